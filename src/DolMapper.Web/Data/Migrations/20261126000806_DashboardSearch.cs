using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class DashboardSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

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

            // Opt-outs name handles in any case (OptOutSql.OptedOutPersons).
            migrationBuilder.Sql("CREATE INDEX ix_accounts_platform_lower_handle ON accounts (platform, lower(handle))");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_accounts_platform_lower_handle");

            migrationBuilder.DropIndex(
                name: "ix_persons_display_name",
                table: "persons");

            migrationBuilder.DropIndex(
                name: "ix_accounts_handle",
                table: "accounts");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");
        }
    }
}
