using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coverage.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ServiceAuditAndUsedTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<Guid>(
                name: "CaseId",
                table: "audit_events",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "TEXT");

            migrationBuilder.AddColumn<string>(
                name: "Subject",
                table: "audit_events",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "used_tokens",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_used_tokens", x => x.Key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_Subject_Id",
                table: "audit_events",
                columns: new[] { "Subject", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_used_tokens_ExpiresAt",
                table: "used_tokens",
                column: "ExpiresAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "used_tokens");

            migrationBuilder.DropIndex(
                name: "IX_audit_events_Subject_Id",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "Subject",
                table: "audit_events");

            migrationBuilder.AlterColumn<Guid>(
                name: "CaseId",
                table: "audit_events",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "TEXT",
                oldNullable: true);
        }
    }
}
