using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class PersonaAssignmentsApart : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "persona_assignments",
                columns: table => new
                {
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    person_id = table.Column<long>(type: "bigint", nullable: false),
                    persona_id = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_persona_assignments", x => new { x.run_id, x.person_id });
                    table.ForeignKey(
                        name: "fk_persona_assignments_personas_persona_id",
                        column: x => x.persona_id,
                        principalTable: "personas",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_persona_assignments_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_persona_assignments_scoring_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "scoring_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_persona_assignments_person_id",
                table: "persona_assignments",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_persona_assignments_persona_id",
                table: "persona_assignments",
                column: "persona_id");

            // Existing runs keep their personas.
            migrationBuilder.Sql("""
                INSERT INTO persona_assignments (run_id, person_id, persona_id)
                SELECT run_id, person_id, persona_id FROM person_scores WHERE persona_id IS NOT NULL;
                ANALYZE persona_assignments;
                """);

            migrationBuilder.DropForeignKey(
                name: "fk_person_scores_personas_persona_id",
                table: "person_scores");

            migrationBuilder.DropIndex(
                name: "ix_person_scores_persona_id",
                table: "person_scores");

            migrationBuilder.DropColumn(
                name: "persona_id",
                table: "person_scores");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "persona_id",
                table: "person_scores",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_person_scores_persona_id",
                table: "person_scores",
                column: "persona_id");

            migrationBuilder.AddForeignKey(
                name: "fk_person_scores_personas_persona_id",
                table: "person_scores",
                column: "persona_id",
                principalTable: "personas",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.Sql("""
                UPDATE person_scores s SET persona_id = a.persona_id FROM persona_assignments a WHERE a.run_id = s.run_id AND a.person_id = s.person_id;
                """);

            migrationBuilder.DropTable(
                name: "persona_assignments");
        }
    }
}
