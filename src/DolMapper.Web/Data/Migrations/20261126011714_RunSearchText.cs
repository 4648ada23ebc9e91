using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class RunSearchText : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "search_text",
                table: "person_scores",
                type: "text",
                nullable: true);

            // Runs already stored: their persons' names and handles as they are now.
            migrationBuilder.Sql("""
                UPDATE person_scores s SET search_text = lower(concat_ws(' ', p.display_name,
                    (SELECT string_agg(a.handle, ' ') FROM accounts a WHERE a.person_id = s.person_id AND NOT a.is_stub AND a.handle <> '')))
                FROM persons p WHERE p.id = s.person_id;
                """);

            migrationBuilder.CreateIndex(
                name: "ix_person_scores_search_text",
                table: "person_scores",
                column: "search_text")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_person_scores_search_text",
                table: "person_scores");

            migrationBuilder.DropColumn(
                name: "search_text",
                table: "person_scores");
        }
    }
}
