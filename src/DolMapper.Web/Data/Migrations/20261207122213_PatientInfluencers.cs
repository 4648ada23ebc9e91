using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class PatientInfluencers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "kind",
                table: "scoring_profiles",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "hcp");

            migrationBuilder.CreateTable(
                name: "patient_scores",
                columns: table => new
                {
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    person_id = table.Column<long>(type: "bigint", nullable: false),
                    score = table.Column<double>(type: "double precision", nullable: false),
                    rank = table.Column<int>(type: "integer", nullable: false),
                    tier = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    conditions = table.Column<string[]>(type: "text[]", nullable: false),
                    reach = table.Column<double>(type: "double precision", nullable: false),
                    trust = table.Column<double>(type: "double precision", nullable: false),
                    condition_relevance = table.Column<double>(type: "double precision", nullable: false),
                    consistency = table.Column<double>(type: "double precision", nullable: false),
                    support = table.Column<double>(type: "double precision", nullable: false),
                    information_quality = table.Column<double>(type: "double precision", nullable: false),
                    raw = table.Column<double[]>(type: "double precision[]", nullable: false),
                    contributions = table.Column<double[]>(type: "double precision[]", nullable: false),
                    evidence = table.Column<string>(type: "jsonb", nullable: false),
                    search_text = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_patient_scores", x => new { x.run_id, x.person_id });
                    table.ForeignKey(
                        name: "fk_patient_scores_scoring_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "scoring_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_scoring_profiles_kind",
                table: "scoring_profiles",
                sql: "kind IN ('hcp', 'patient')");

            migrationBuilder.CreateIndex(
                name: "ix_patient_scores_person_id",
                table: "patient_scores",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_patient_scores_run_id_rank",
                table: "patient_scores",
                columns: new[] { "run_id", "rank" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "patient_scores");

            migrationBuilder.DropCheckConstraint(
                name: "ck_scoring_profiles_kind",
                table: "scoring_profiles");

            migrationBuilder.DropColumn(
                name: "kind",
                table: "scoring_profiles");
        }
    }
}
