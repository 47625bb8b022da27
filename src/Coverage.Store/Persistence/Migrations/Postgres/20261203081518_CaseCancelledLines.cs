using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coverage.Store.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CaseCancelledLines : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CancelledLines",
                table: "cases",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CancelledLines",
                table: "cases");
        }
    }
}
