using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coverage.Store.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CaseFilterRows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "case_filters",
                columns: table => new
                {
                    CaseId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Value = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_filters", x => new { x.CaseId, x.Kind, x.Value });
                    table.ForeignKey(
                        name: "FK_case_filters_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_case_filters_Kind_Value",
                table: "case_filters",
                columns: new[] { "Kind", "Value" });

            // The filters were space-separated ids on the case (Policies, Modalities): each becomes a row, in the
            // order it was written, so that an upgraded database lists and filters its existing cases as before.
            migrationBuilder.Sql(SplitIntoRows("Policies", "policy"));
            migrationBuilder.Sql(SplitIntoRows("Modalities", "modality"));

            migrationBuilder.DropColumn(
                name: "Modalities",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "Policies",
                table: "cases");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Modalities",
                table: "cases",
                type: "character varying(512)",
                maxLength: 512,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Policies",
                table: "cases",
                type: "character varying(256)",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            // Back to space-separated ids, in the rows' order.
            migrationBuilder.Sql(JoinRows("Policies", "policy"));
            migrationBuilder.Sql(JoinRows("Modalities", "modality"));

            migrationBuilder.DropTable(
                name: "case_filters");
        }

        /// <summary>One row per space-separated id of the column, numbered in order.</summary>
        private static string SplitIntoRows(string column, string kind) => $"""
            INSERT INTO case_filters ("CaseId", "Kind", "Value", "Position")
            SELECT c."Id", '{kind}', v.value, (v.ordinality - 1)::integer
            FROM cases c CROSS JOIN LATERAL unnest(string_to_array(c."{column}", ' ')) WITH ORDINALITY AS v(value, ordinality)
            WHERE v.value <> '';
            """;

        private static string JoinRows(string column, string kind) => $"""
            UPDATE cases c SET "{column}" = COALESCE(
                (SELECT string_agg(f."Value", ' ' ORDER BY f."Position") FROM case_filters f WHERE f."CaseId" = c."Id" AND f."Kind" = '{kind}'), '');
            """;
    }
}
