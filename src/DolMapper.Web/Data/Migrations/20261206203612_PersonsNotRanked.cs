using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class PersonsNotRanked : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "person_not_ranked",
                columns: table => new
                {
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    person_id = table.Column<long>(type: "bigint", nullable: false),
                    reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_person_not_ranked", x => new { x.run_id, x.person_id });
                    table.CheckConstraint("ck_person_not_ranked_reason", "reason IN ('no_relevant_post', 'outside_market', 'unknown_location')");
                    table.ForeignKey(
                        name: "fk_person_not_ranked_persons_person_id",
                        column: x => x.person_id,
                        principalTable: "persons",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_person_not_ranked_scoring_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "scoring_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_person_not_ranked_person_id",
                table: "person_not_ranked",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_person_not_ranked_run_id_reason",
                table: "person_not_ranked",
                columns: new[] { "run_id", "reason" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "person_not_ranked");
        }
    }
}
