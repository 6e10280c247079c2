-- AlterTable
ALTER TABLE "directories" ADD COLUMN     "recent_errors" JSONB NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "setup_links" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "intents" TEXT[],
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "connection_id" TEXT NOT NULL,
    "directory_id" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "setup_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connection_tests" (
    "id" TEXT NOT NULL,
    "connection_id" TEXT NOT NULL,
    "setup_link_id" TEXT,
    "outcome" TEXT NOT NULL,
    "profile" JSONB,
    "raw_attributes" JSONB,
    "error_code" TEXT,
    "error_message" TEXT,
    "error_detail" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connection_tests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "setup_links_prefix_key" ON "setup_links"("prefix");

-- CreateIndex
CREATE INDEX "setup_links_organization_id_id_idx" ON "setup_links"("organization_id", "id");

-- CreateIndex
CREATE INDEX "connection_tests_connection_id_id_idx" ON "connection_tests"("connection_id", "id");

-- AddForeignKey
ALTER TABLE "setup_links" ADD CONSTRAINT "setup_links_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connection_tests" ADD CONSTRAINT "connection_tests_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
