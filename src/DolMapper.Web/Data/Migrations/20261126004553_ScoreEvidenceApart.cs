using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ScoreEvidenceApart : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "relationship_kind",
                table: "person_scores",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "person_score_evidence",
                columns: table => new
                {
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    person_id = table.Column<long>(type: "bigint", nullable: false),
                    evidence = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_person_score_evidence", x => new { x.run_id, x.person_id });
                    table.ForeignKey(
                        name: "fk_person_score_evidence_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_person_score_evidence_scoring_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "scoring_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_person_score_evidence_person_id",
                table: "person_score_evidence",
                column: "person_id");

            // Runs already stored keep their evidence and gain the relationship column.
            migrationBuilder.Sql("""
                INSERT INTO person_score_evidence (run_id, person_id, evidence) SELECT run_id, person_id, evidence FROM person_scores;
                UPDATE person_scores SET relationship_kind = evidence -> 'relationship' ->> 'kind' WHERE evidence -> 'relationship' ->> 'kind' IS NOT NULL;
                ANALYZE person_score_evidence;
                """);

            migrationBuilder.DropColumn(
                name: "evidence",
                table: "person_scores");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "evidence",
                table: "person_scores",
                type: "jsonb",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.Sql("""
                UPDATE person_scores s SET evidence = e.evidence FROM person_score_evidence e WHERE e.run_id = s.run_id AND e.person_id = s.person_id
                """);

            migrationBuilder.DropTable(
                name: "person_score_evidence");

            migrationBuilder.DropColumn(
                name: "relationship_kind",
                table: "person_scores");
        }
    }
}
