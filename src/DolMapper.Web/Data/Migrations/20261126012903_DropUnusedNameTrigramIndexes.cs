using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class DropUnusedNameTrigramIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_persons_display_name",
                table: "persons");

            migrationBuilder.DropIndex(
                name: "ix_accounts_handle",
                table: "accounts");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_persons_display_name",
                table: "persons",
                column: "display_name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_accounts_handle",
                table: "accounts",
                column: "handle")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }
    }
}
