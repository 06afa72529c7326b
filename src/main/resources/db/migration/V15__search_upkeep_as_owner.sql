-- Issue 24, point 1: the nodes' pools sign in as a role that owns nothing (the embedded database's homeroom_app),
-- and merging a GIN index's pending list is an owner's right. This function does that one thing as the schema's
-- owner (security definer, with a fixed search_path), for SearchIndexUpkeep. Nobody but the roles it is granted to
-- (EmbeddedDatabase grants the app role execute on the schema's functions) may call it.
create function clean_search_pending_list() returns bigint
  language sql security definer set search_path = pg_catalog, public
  as $$ select gin_clean_pending_list('public.messages_search'::regclass) $$;
revoke execute on function clean_search_pending_list() from public;
