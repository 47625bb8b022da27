using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Coverage.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AppealsAndClocks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AppealFiledBy",
                table: "cases",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "AppealOf",
                table: "cases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AppealReason",
                table: "cases",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AppealResult",
                table: "cases",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AppealedLines",
                table: "cases",
                type: "TEXT",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClockPausedAt",
                table: "cases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ExtendedAt",
                table: "cases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ExtensionReason",
                table: "cases",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ExternalReviewDecidedAt",
                table: "cases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ExternalReviewNote",
                table: "cases",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ExternalReviewOrganisation",
                table: "cases",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ExternalReviewRequestedAt",
                table: "cases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ExternalReviewResult",
                table: "cases",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "FirstDecidedAt",
                table: "cases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FirstOutcome",
                table: "cases",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LineOfBusiness",
                table: "cases",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PeerToPeerAt",
                table: "cases",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PeerToPeerBy",
                table: "cases",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PeerToPeerSummary",
                table: "cases",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PeerToPeerWith",
                table: "cases",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PlanId",
                table: "cases",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SocialRiskFactors",
                table: "cases",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_cases_AppealOf",
                table: "cases",
                column: "AppealOf");

            migrationBuilder.CreateIndex(
                name: "IX_cases_ReceivedAt",
                table: "cases",
                column: "ReceivedAt");

            // Cases decided before this migration: their first decision is the one they hold (a report of a past period counts them).
            migrationBuilder.Sql("UPDATE cases SET FirstDecidedAt = FinalizedAt, FirstOutcome = FinalOutcome WHERE Status = 'final' AND FirstDecidedAt IS NULL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_AppealOf",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "IX_cases_ReceivedAt",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "AppealFiledBy",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "AppealOf",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "AppealReason",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "AppealResult",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "AppealedLines",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "ClockPausedAt",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "ExtendedAt",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "ExtensionReason",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "ExternalReviewDecidedAt",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "ExternalReviewNote",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "ExternalReviewOrganisation",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "ExternalReviewRequestedAt",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "ExternalReviewResult",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "FirstDecidedAt",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "FirstOutcome",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "LineOfBusiness",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "PeerToPeerAt",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "PeerToPeerBy",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "PeerToPeerSummary",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "PeerToPeerWith",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "PlanId",
                table: "cases");

            migrationBuilder.DropColumn(
                name: "SocialRiskFactors",
                table: "cases");
        }
    }
}
