using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class BulkTablesWithoutForeignKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_interactions_accounts_target_account_id",
                table: "interactions");

            migrationBuilder.DropForeignKey(
                name: "fk_interactions_posts_source_account_id_post_id",
                table: "interactions");

            migrationBuilder.DropForeignKey(
                name: "fk_posts_accounts_account_id",
                table: "posts");

            migrationBuilder.DropIndex(
                name: "ix_posts_source_id",
                table: "posts");

            migrationBuilder.CreateIndex(
                name: "ix_posts_source_id",
                table: "posts",
                column: "source_id",
                filter: "source_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_posts_source_id",
                table: "posts");

            migrationBuilder.CreateIndex(
                name: "ix_posts_source_id",
                table: "posts",
                column: "source_id");

            migrationBuilder.AddForeignKey(
                name: "fk_interactions_accounts_target_account_id",
                table: "interactions",
                column: "target_account_id",
                principalTable: "accounts",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_interactions_posts_source_account_id_post_id",
                table: "interactions",
                columns: new[] { "source_account_id", "post_id" },
                principalTable: "posts",
                principalColumns: new[] { "account_id", "id" },
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_posts_accounts_account_id",
                table: "posts",
                column: "account_id",
                principalTable: "accounts",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
