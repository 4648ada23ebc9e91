using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ExampleAccounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long[]>(
                name: "example_account_ids",
                table: "topic_trends",
                type: "bigint[]",
                nullable: false,
                defaultValue: new long[0]);

            migrationBuilder.AddColumn<long[]>(
                name: "example_account_ids",
                table: "topic_concern_themes",
                type: "bigint[]",
                nullable: false,
                defaultValue: new long[0]);

            // Examples kept without their accounts cannot be looked up by the posts' key: they go
            // (the next run keeps new ones), so every row's two arrays match.
            migrationBuilder.Sql("UPDATE topic_trends SET example_post_ids = '{}'; UPDATE topic_concern_themes SET example_post_ids = '{}';");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "example_account_ids",
                table: "topic_trends");

            migrationBuilder.DropColumn(
                name: "example_account_ids",
                table: "topic_concern_themes");
        }
    }
}
