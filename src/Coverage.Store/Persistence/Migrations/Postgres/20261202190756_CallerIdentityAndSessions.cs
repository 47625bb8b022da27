using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Coverage.Store.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CallerIdentityAndSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_MemberKey_RequestId",
                table: "cases");

            migrationBuilder.AddColumn<string>(
                name: "ExternalKey",
                table: "cases",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HeldLines",
                table: "cases",
                type: "character varying(512)",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SubmittedBy",
                table: "cases",
                type: "character varying(256)",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Tenant",
                table: "cases",
                type: "character varying(256)",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ActorClient",
                table: "audit_events",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ActorIssuer",
                table: "audit_events",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ActorSubject",
                table: "audit_events",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastAt",
                table: "audit_events",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Occurrences",
                table: "audit_events",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<string>(
                name: "Source",
                table: "audit_events",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "case_information",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaseId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ActorRole = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    ActorClient = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Tenant = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    InformationJson = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_information", x => x.Id);
                    table.ForeignKey(
                        name: "FK_case_information_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "sign_in_lockouts",
                columns: table => new
                {
                    AccountId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Failures = table.Column<int>(type: "integer", nullable: false),
                    LastFailureAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LockedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sign_in_lockouts", x => x.AccountId);
                });

            migrationBuilder.CreateTable(
                name: "workbench_sessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    AccountStamp = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastSeenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RevokedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Source = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_workbench_sessions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_cases_Tenant_MemberKey_RequestId",
                table: "cases",
                columns: new[] { "Tenant", "MemberKey", "RequestId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_cases_Tenant_ReceivedAt",
                table: "cases",
                columns: new[] { "Tenant", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_case_information_CaseId_Id",
                table: "case_information",
                columns: new[] { "CaseId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_workbench_sessions_AccountId",
                table: "workbench_sessions",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_workbench_sessions_ExpiresAt",
                table: "workbench_sessions",
                column: "ExpiresAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_information");

            migrationBuilder.DropTable(
                name: "sign_in_lockouts");

            migrationBuilder.DropTable(
                name: "workbench_sessions");

            migrationBuilder.DropIndex(
                name: "IX_cases_Tenant_MemberKey_RequestId",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "IX_cases_Tenant_ReceivedAt",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "ExternalKey",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "HeldLines",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "SubmittedBy",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "Tenant",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "ActorClient",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "ActorIssuer",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "ActorSubject",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "LastAt",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "Occurrences",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "Source",
                table: "audit_events");

            migrationBuilder.CreateIndex(
                name: "IX_cases_MemberKey_RequestId",
                table: "cases",
                columns: new[] { "MemberKey", "RequestId" },
                unique: true);
        }
    }
}
