using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class NotRankedSearchText : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "search_text",
                table: "person_not_ranked",
                type: "text",
                nullable: true);

            // Runs scored before: their not-ranked persons stay findable by name and handle.
            migrationBuilder.Sql("""
                UPDATE person_not_ranked n
                SET search_text = lower(concat_ws(' ', p.display_name,
                    (SELECT string_agg(a.handle, ' ') FROM accounts a WHERE a.person_id = p.id AND a.handle IS NOT NULL)))
                FROM persons p WHERE p.id = n.person_id;
                """);

            migrationBuilder.CreateIndex(
                name: "ix_person_not_ranked_search_text",
                table: "person_not_ranked",
                column: "search_text")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_person_not_ranked_search_text",
                table: "person_not_ranked");

            migrationBuilder.DropColumn(
                name: "search_text",
                table: "person_not_ranked");
        }
    }
}
