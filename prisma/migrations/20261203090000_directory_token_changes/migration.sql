-- Every change to a SCIM token (rotation, deletion, a cascade from a deleted directory or
-- organization) is announced at commit, so gateway processes that remember checked tokens evict
-- them (src/store/token-changes.ts). A new token needs no announcement: nobody remembers it yet.
CREATE FUNCTION gatehouse_directory_tokens_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('gatehouse_directory_tokens', OLD.directory_id);
  RETURN NULL;
END
$$;

CREATE TRIGGER directory_tokens_changed
  AFTER UPDATE OR DELETE ON directory_tokens
  FOR EACH ROW EXECUTE FUNCTION gatehouse_directory_tokens_changed();
