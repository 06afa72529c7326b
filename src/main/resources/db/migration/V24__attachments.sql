-- Issue 28, point 3: attachments. The file is kept in PostgreSQL (TOASTed out of line, so reading the metadata never
-- reads the bytes), shared by every node; its type is the one detected from its content when it was uploaded. A
-- message carries at most one, and an attachment is on at most one message.
create table attachments (
  id              bigint      generated always as identity primary key,
  conversation_id bigint      not null references conversations (id),
  uploader_id     bigint      not null references users (id),
  file_name       text        not null check (char_length(file_name) between 1 and 200),
  content_type    text        not null,
  kind            text        not null check (kind in ('image', 'pdf', 'document')),
  size_bytes      integer     not null check (size_bytes between 1 and 10485760),
  sha256          bytea       not null check (octet_length(sha256) = 32),
  content         bytea       not null,
  created_at      timestamptz not null default now()
);
-- The per-user upload limits count a user's recent uploads.
create index attachments_by_uploader on attachments (uploader_id, created_at);

alter table messages add column attachment_id bigint references attachments (id);
create unique index messages_attachment_once on messages (attachment_id) where attachment_id is not null;
