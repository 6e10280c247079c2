-- AlterTable
ALTER TABLE "oidc_payloads" ADD COLUMN     "account_id" TEXT;

-- CreateIndex
CREATE INDEX "oidc_payloads_kind_account_id_idx" ON "oidc_payloads"("kind", "account_id");

-- AddForeignKey
ALTER TABLE "oidc_payloads" ADD CONSTRAINT "oidc_payloads_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "profiles"("id") ON DELETE CASCADE ON UPDATE CASCADE;
