-- CreateTable
CREATE TABLE "saml_assertion_uses" (
    "connection_id" TEXT NOT NULL,
    "assertion_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "saml_assertion_uses_pkey" PRIMARY KEY ("connection_id","assertion_id")
);

-- CreateTable
CREATE TABLE "idp_initiated_logins" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "connection_id" TEXT NOT NULL,
    "profile_id" TEXT NOT NULL,
    "application_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idp_initiated_logins_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "saml_assertion_uses_expires_at_idx" ON "saml_assertion_uses"("expires_at");

-- CreateIndex
CREATE INDEX "idp_initiated_logins_expires_at_idx" ON "idp_initiated_logins"("expires_at");
