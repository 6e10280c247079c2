-- AlterTable
ALTER TABLE "applications" ADD COLUMN     "id_token_signed_response_alg" TEXT NOT NULL DEFAULT 'RS256';
