using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coverage.Store.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ExternalReviewEffectuation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ExternalReviewOverturnedLines",
                table: "cases",
                type: "TEXT",
                maxLength: 512,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ExternalReviewOverturnedLines",
                table: "cases");
        }
    }
}
