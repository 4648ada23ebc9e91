using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class TopicTrends : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "topic_trends",
                columns: table => new
                {
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    item = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    rank = table.Column<int>(type: "integer", nullable: false),
                    trend_score = table.Column<double>(type: "double precision", nullable: false),
                    posts_recent = table.Column<int>(type: "integer", nullable: false),
                    posts_baseline = table.Column<double>(type: "double precision", nullable: false),
                    hcp_authors_recent = table.Column<int>(type: "integer", nullable: false),
                    public_authors_recent = table.Column<int>(type: "integer", nullable: false),
                    posts_window = table.Column<int>(type: "integer", nullable: false),
                    hcp_posts_window = table.Column<int>(type: "integer", nullable: false),
                    hcp_authors_window = table.Column<int>(type: "integer", nullable: false),
                    engagement_window = table.Column<long>(type: "bigint", nullable: false),
                    driver_person_ids = table.Column<long[]>(type: "bigint[]", nullable: false),
                    driver_posts = table.Column<int[]>(type: "integer[]", nullable: false),
                    example_post_ids = table.Column<long[]>(type: "bigint[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_topic_trends", x => new { x.run_id, x.kind, x.item });
                    table.CheckConstraint("ck_topic_trends_kind", "kind IN ('hashtag', 'term', 'domain')");
                    table.CheckConstraint("ck_topic_trends_status", "status IN ('rising', 'emerging', 'steady', 'falling')");
                    table.ForeignKey(
                        name: "fk_topic_trends_scoring_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "scoring_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "topic_trend_days",
                columns: table => new
                {
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    item = table.Column<string>(type: "text", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    posts = table.Column<int>(type: "integer", nullable: false),
                    hcp_posts = table.Column<int>(type: "integer", nullable: false),
                    engagement = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_topic_trend_days", x => new { x.run_id, x.kind, x.item, x.day });
                    table.ForeignKey(
                        name: "fk_topic_trend_days_topic_trends_run_id_kind_item",
                        columns: x => new { x.run_id, x.kind, x.item },
                        principalTable: "topic_trends",
                        principalColumns: new[] { "run_id", "kind", "item" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_topic_trends_run_id_rank",
                table: "topic_trends",
                columns: new[] { "run_id", "rank" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "topic_trend_days");

            migrationBuilder.DropTable(
                name: "topic_trends");
        }
    }
}
