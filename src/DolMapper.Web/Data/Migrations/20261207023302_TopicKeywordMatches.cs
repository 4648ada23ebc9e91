using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class TopicKeywordMatches : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "topic_keyword_matches",
                columns: table => new
                {
                    keyword_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    account_id = table.Column<long>(type: "bigint", nullable: false),
                    post_id = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_topic_keyword_matches", x => new { x.keyword_key, x.account_id, x.post_id });
                    table.ForeignKey(
                        name: "fk_topic_keyword_matches_posts_account_id_post_id",
                        columns: x => new { x.account_id, x.post_id },
                        principalTable: "posts",
                        principalColumns: new[] { "account_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "topic_keyword_scans",
                columns: table => new
                {
                    keyword_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    scanned_from = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_used_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_topic_keyword_scans", x => x.keyword_key);
                });

            migrationBuilder.CreateIndex(
                name: "ix_topic_keyword_matches_account_id_post_id",
                table: "topic_keyword_matches",
                columns: new[] { "account_id", "post_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "topic_keyword_matches");

            migrationBuilder.DropTable(
                name: "topic_keyword_scans");
        }
    }
}
