-- Each directory's user and group totals, kept by triggers in the transaction that adds or
-- removes the rows: an unfiltered SCIM list reads its totalResults from one row instead of
-- counting the directory (the first page of 100k users spent nearly all its time counting).
-- The triggers are deferred to commit, so the directory row is always locked after everything
-- else a change does, the outbox lock included: one lock order for every writer (no deadlock
-- between a one-statement create and a several-statement delete), and no directory-wide
-- serialization beyond the outbox lock's own.
-- AlterTable
ALTER TABLE "directories" ADD COLUMN     "group_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "user_count" INTEGER NOT NULL DEFAULT 0;

UPDATE "directories" d
   SET "user_count" = (SELECT count(*) FROM "directory_users" u WHERE u."directory_id" = d."id"),
       "group_count" = (SELECT count(*) FROM "directory_groups" g WHERE g."directory_id" = d."id");

CREATE FUNCTION gatehouse_directory_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta integer := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
  directory text := CASE TG_OP WHEN 'INSERT' THEN NEW.directory_id ELSE OLD.directory_id END;
BEGIN
  IF TG_TABLE_NAME = 'directory_users' THEN
    UPDATE directories SET user_count = user_count + delta WHERE id = directory;
  ELSE
    UPDATE directories SET group_count = group_count + delta WHERE id = directory;
  END IF;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER directory_users_counted AFTER INSERT OR DELETE ON directory_users
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gatehouse_directory_counts();
CREATE CONSTRAINT TRIGGER directory_groups_counted AFTER INSERT OR DELETE ON directory_groups
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gatehouse_directory_counts();
