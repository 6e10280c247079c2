-- AlterTable
ALTER TABLE "profiles" ADD COLUMN     "directory_user_id" TEXT;

-- CreateTable
CREATE TABLE "directories" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "last_request_at" TIMESTAMPTZ(3),

    CONSTRAINT "directories_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "directory_tokens" (
    "id" TEXT NOT NULL,
    "directory_id" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "directory_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "directory_users" (
    "id" TEXT NOT NULL,
    "directory_id" TEXT NOT NULL,
    "user_name_key" TEXT NOT NULL,
    "external_id" TEXT,
    "display_name_key" TEXT,
    "primary_email" TEXT,
    "email_keys" TEXT[],
    "active" BOOLEAN NOT NULL,
    "resource" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "directory_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "directory_groups" (
    "id" TEXT NOT NULL,
    "directory_id" TEXT NOT NULL,
    "display_name_key" TEXT NOT NULL,
    "external_id" TEXT,
    "resource" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "directory_groups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "directory_memberships" (
    "group_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "directory_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "directory_memberships_pkey" PRIMARY KEY ("group_id","user_id")
);

-- CreateTable
CREATE TABLE "outbox_events" (
    "sequence" BIGSERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "directory_id" TEXT,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("sequence")
);

-- CreateIndex
CREATE INDEX "directories_organization_id_id_idx" ON "directories"("organization_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "directory_tokens_prefix_key" ON "directory_tokens"("prefix");

-- CreateIndex
CREATE INDEX "directory_tokens_directory_id_idx" ON "directory_tokens"("directory_id");

-- CreateIndex
CREATE INDEX "directory_users_directory_id_id_idx" ON "directory_users"("directory_id", "id");

-- CreateIndex
CREATE INDEX "directory_users_directory_id_external_id_idx" ON "directory_users"("directory_id", "external_id");

-- CreateIndex
CREATE INDEX "directory_users_directory_id_display_name_key_idx" ON "directory_users"("directory_id", "display_name_key");

-- CreateIndex
CREATE INDEX "directory_users_directory_id_updated_at_idx" ON "directory_users"("directory_id", "updated_at");

-- CreateIndex
CREATE INDEX "directory_users_email_keys_idx" ON "directory_users" USING GIN ("email_keys");

-- CreateIndex
CREATE UNIQUE INDEX "directory_users_directory_id_user_name_key_key" ON "directory_users"("directory_id", "user_name_key");

-- CreateIndex
CREATE INDEX "directory_groups_directory_id_id_idx" ON "directory_groups"("directory_id", "id");

-- CreateIndex
CREATE INDEX "directory_groups_directory_id_display_name_key_idx" ON "directory_groups"("directory_id", "display_name_key");

-- CreateIndex
CREATE INDEX "directory_groups_directory_id_external_id_idx" ON "directory_groups"("directory_id", "external_id");

-- CreateIndex
CREATE INDEX "directory_groups_directory_id_updated_at_idx" ON "directory_groups"("directory_id", "updated_at");

-- CreateIndex
CREATE INDEX "directory_memberships_user_id_idx" ON "directory_memberships"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_events_id_key" ON "outbox_events"("id");

-- CreateIndex
CREATE INDEX "outbox_events_organization_id_sequence_idx" ON "outbox_events"("organization_id", "sequence");

-- CreateIndex
CREATE INDEX "outbox_events_created_at_idx" ON "outbox_events"("created_at");

-- CreateIndex
CREATE INDEX "profiles_directory_user_id_idx" ON "profiles"("directory_user_id");

-- AddForeignKey
ALTER TABLE "directories" ADD CONSTRAINT "directories_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_tokens" ADD CONSTRAINT "directory_tokens_directory_id_fkey" FOREIGN KEY ("directory_id") REFERENCES "directories"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_users" ADD CONSTRAINT "directory_users_directory_id_fkey" FOREIGN KEY ("directory_id") REFERENCES "directories"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_groups" ADD CONSTRAINT "directory_groups_directory_id_fkey" FOREIGN KEY ("directory_id") REFERENCES "directories"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_memberships" ADD CONSTRAINT "directory_memberships_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "directory_groups"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_memberships" ADD CONSTRAINT "directory_memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "directory_users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
