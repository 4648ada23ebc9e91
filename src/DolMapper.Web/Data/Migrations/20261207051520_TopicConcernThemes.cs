using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class TopicConcernThemes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "topic_concern_themes",
                columns: table => new
                {
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    theme = table.Column<string>(type: "text", nullable: false),
                    rank = table.Column<int>(type: "integer", nullable: false),
                    posts = table.Column<int>(type: "integer", nullable: false),
                    hcp_authors = table.Column<int>(type: "integer", nullable: false),
                    example_post_ids = table.Column<long[]>(type: "bigint[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_topic_concern_themes", x => new { x.run_id, x.theme });
                    table.ForeignKey(
                        name: "fk_topic_concern_themes_scoring_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "scoring_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_topic_concern_themes_run_id_rank",
                table: "topic_concern_themes",
                columns: new[] { "run_id", "rank" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "topic_concern_themes");
        }
    }
}
