-- Ending a directory user's sessions deletes their payloads by account_id alone (every kind), and
-- deleting a profile cascades the same way: without this index both scan the whole table.
-- CreateIndex
CREATE INDEX "oidc_payloads_account_id_idx" ON "oidc_payloads"("account_id");
