using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Products : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "person_concern_themes",
                columns: table => new
                {
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    person_id = table.Column<long>(type: "bigint", nullable: false),
                    theme = table.Column<string>(type: "text", nullable: false),
                    posts = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_person_concern_themes", x => new { x.run_id, x.person_id, x.theme });
                    table.ForeignKey(
                        name: "fk_person_concern_themes_topic_concern_themes_run_id_theme",
                        columns: x => new { x.run_id, x.theme },
                        principalTable: "topic_concern_themes",
                        principalColumns: new[] { "run_id", "theme" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "person_product_mentions",
                columns: table => new
                {
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    person_id = table.Column<long>(type: "bigint", nullable: false),
                    product = table.Column<string>(type: "text", nullable: false),
                    mentions = table.Column<int>(type: "integer", nullable: false),
                    positive = table.Column<int>(type: "integer", nullable: false),
                    negative = table.Column<int>(type: "integer", nullable: false),
                    neutral = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_person_product_mentions", x => new { x.run_id, x.person_id, x.product });
                    table.ForeignKey(
                        name: "fk_person_product_mentions_scoring_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "scoring_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "product_summaries",
                columns: table => new
                {
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    product = table.Column<string>(type: "text", nullable: false),
                    rank = table.Column<int>(type: "integer", nullable: false),
                    competitors = table.Column<string[]>(type: "text[]", nullable: false),
                    launch_date = table.Column<DateOnly>(type: "date", nullable: true),
                    mentions = table.Column<int>(type: "integer", nullable: false),
                    hcp_authors = table.Column<int>(type: "integer", nullable: false),
                    positive = table.Column<int>(type: "integer", nullable: false),
                    negative = table.Column<int>(type: "integer", nullable: false),
                    neutral = table.Column<int>(type: "integer", nullable: false),
                    driver_person_ids = table.Column<long[]>(type: "bigint[]", nullable: false),
                    driver_mentions = table.Column<int[]>(type: "integer[]", nullable: false),
                    example_post_ids = table.Column<long[]>(type: "bigint[]", nullable: false),
                    example_account_ids = table.Column<long[]>(type: "bigint[]", nullable: false),
                    example_tones = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_product_summaries", x => new { x.run_id, x.product });
                    table.ForeignKey(
                        name: "fk_product_summaries_scoring_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "scoring_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "product_weeks",
                columns: table => new
                {
                    run_id = table.Column<long>(type: "bigint", nullable: false),
                    product = table.Column<string>(type: "text", nullable: false),
                    week = table.Column<DateOnly>(type: "date", nullable: false),
                    hcp_mentions = table.Column<int>(type: "integer", nullable: false),
                    hcp_authors = table.Column<int>(type: "integer", nullable: false),
                    share_of_voice = table.Column<double>(type: "double precision", nullable: true),
                    positive = table.Column<int>(type: "integer", nullable: false),
                    negative = table.Column<int>(type: "integer", nullable: false),
                    neutral = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_product_weeks", x => new { x.run_id, x.product, x.week });
                    table.ForeignKey(
                        name: "fk_product_weeks_scoring_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "scoring_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "products",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    profile_id = table.Column<int>(type: "integer", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    generic_name = table.Column<string>(type: "text", nullable: true),
                    synonyms = table.Column<string[]>(type: "text[]", nullable: false),
                    competitors = table.Column<string[]>(type: "text[]", nullable: false),
                    launch_date = table.Column<DateOnly>(type: "date", nullable: true),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_products", x => x.id);
                    table.ForeignKey(
                        name: "fk_products_scoring_profiles_profile_id",
                        column: x => x.profile_id,
                        principalTable: "scoring_profiles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_person_concern_themes_person_id",
                table: "person_concern_themes",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_person_concern_themes_run_id_theme",
                table: "person_concern_themes",
                columns: new[] { "run_id", "theme" });

            migrationBuilder.CreateIndex(
                name: "ix_person_product_mentions_person_id",
                table: "person_product_mentions",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_products_profile_id_name",
                table: "products",
                columns: new[] { "profile_id", "name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "person_concern_themes");

            migrationBuilder.DropTable(
                name: "person_product_mentions");

            migrationBuilder.DropTable(
                name: "product_summaries");

            migrationBuilder.DropTable(
                name: "product_weeks");

            migrationBuilder.DropTable(
                name: "products");
        }
    }
}
