using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ShortlistEntryAddedBy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "added_by",
                table: "shortlist_entries",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "added_by",
                table: "shortlist_entries");
        }
    }
}
