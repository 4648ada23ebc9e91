using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ScoringRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "details",
                table: "scoring_runs",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            migrationBuilder.AddColumn<long>(
                name: "classification_input_hash",
                table: "persons",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "classified_by_model",
                table: "persons",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "details",
                table: "scoring_runs");

            migrationBuilder.DropColumn(
                name: "classification_input_hash",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "classified_by_model",
                table: "persons");
        }
    }
}
