/**
 * Adds listeners and returns one function that removes exactly those, so a component declares each binding once
 * and none can be added without being taken away again. Bindings whose target is null or undefined are skipped
 * (optional parts of a session).
 *
 * @param {Array<[EventTarget|null|undefined, string, EventListener]>} bindings
 * @returns {() => void} removes every listener that was added
 */
export function listenAll(bindings) {
  const added = bindings.filter(([target]) => target != null);
  for (const [target, type, handler] of added) target.addEventListener(type, handler);
  return () => {
    for (const [target, type, handler] of added) target.removeEventListener(type, handler);
  };
}
