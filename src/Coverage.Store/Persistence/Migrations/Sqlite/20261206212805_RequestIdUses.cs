using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coverage.Store.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RequestIdUses : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_Tenant_MemberKey_RequestId",
                table: "cases");

            migrationBuilder.AddColumn<int>(
                name: "RequestIdUse",
                table: "cases",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_cases_Tenant_MemberKey_RequestId_RequestIdUse",
                table: "cases",
                columns: new[] { "Tenant", "MemberKey", "RequestId", "RequestIdUse" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_Tenant_MemberKey_RequestId_RequestIdUse",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "RequestIdUse",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "IX_cases_Tenant_MemberKey_RequestId",
                table: "cases",
                columns: new[] { "Tenant", "MemberKey", "RequestId" },
                unique: true);
        }
    }
}
