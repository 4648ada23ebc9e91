using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class EngagementSuggestions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "person_engagement",
                columns: table => new
                {
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    person_id = table.Column<long>(type: "bigint", nullable: false),
                    channel = table.Column<string>(type: "text", nullable: false),
                    channel_reason = table.Column<string>(type: "text", nullable: false),
                    best_times = table.Column<string>(type: "text", nullable: false),
                    best_hours_utc = table.Column<int[]>(type: "integer[]", nullable: false),
                    times_reason = table.Column<string>(type: "text", nullable: false),
                    top_formats = table.Column<string[]>(type: "text[]", nullable: false),
                    formats_reason = table.Column<string>(type: "text", nullable: false),
                    collaborations = table.Column<string[]>(type: "text[]", nullable: false),
                    collaboration_reasons = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_person_engagement", x => new { x.run_id, x.person_id });
                    table.ForeignKey(
                        name: "fk_person_engagement_scoring_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "scoring_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_person_engagement_person_id",
                table: "person_engagement",
                column: "person_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "person_engagement");
        }
    }
}
