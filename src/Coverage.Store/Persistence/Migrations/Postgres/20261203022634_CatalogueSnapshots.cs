using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coverage.Store.Migrations.Postgres
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
                    Digest = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Root = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    Archive = table.Column<byte[]>(type: "bytea", nullable: false),
                    SavedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
