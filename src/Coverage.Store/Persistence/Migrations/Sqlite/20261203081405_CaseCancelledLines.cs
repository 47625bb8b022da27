using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coverage.Store.Migrations.Sqlite
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
                type: "TEXT",
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
