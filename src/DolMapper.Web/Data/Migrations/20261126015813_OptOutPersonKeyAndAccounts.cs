using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class OptOutPersonKeyAndAccounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "parent_id",
                table: "opt_outs",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "person_key",
                table: "opt_outs",
                type: "text",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_opt_outs_parent_id",
                table: "opt_outs",
                column: "parent_id");

            migrationBuilder.CreateIndex(
                name: "ix_opt_outs_person_key",
                table: "opt_outs",
                column: "person_key");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_opt_outs_parent_id",
                table: "opt_outs");

            migrationBuilder.DropIndex(
                name: "ix_opt_outs_person_key",
                table: "opt_outs");

            migrationBuilder.DropColumn(
                name: "parent_id",
                table: "opt_outs");

            migrationBuilder.DropColumn(
                name: "person_key",
                table: "opt_outs");
        }
    }
}
