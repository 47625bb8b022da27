using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coverage.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CatalogueSnapshots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "catalogue_snapshots",
                columns: table => new
                {
                    Digest = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Root = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    Archive = table.Column<byte[]>(type: "BLOB", nullable: false),
                    SavedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_catalogue_snapshots", x => x.Digest);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "catalogue_snapshots");
        }
    }
}
