package app.homeroom.people;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * A QR code (ZXing's encoder, error correction M: a slip that is creased or smudged still scans) as an SVG path of its
 * dark modules, one unit each, for the browser to draw at any size: {@code {size, path}}, the path's runs of dark
 * modules merged along each row.
 */
public final class QrCode {

  private QrCode() {}

  public static JsonObject of(String text) {
    BitMatrix m;
    try {
      m = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
          Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 0));
    } catch (WriterException e) {
      throw new IllegalArgumentException("cannot encode a QR code of " + text.length() + " characters", e);
    }
    StringBuilder path = new StringBuilder();
    for (int y = 0; y < m.getHeight(); y++) {
      int x = 0;
      while (x < m.getWidth()) {
        if (!m.get(x, y)) {
          x++;
          continue;
        }
        int start = x;
        while (x < m.getWidth() && m.get(x, y)) {
          x++;
        }
        path.append('M').append(start).append(' ').append(y).append('h').append(x - start).append("v1h-")
            .append(x - start).append('z');
      }
    }
    return new JsonObject().put("size", m.getWidth()).put("path", path.toString());
  }
}
