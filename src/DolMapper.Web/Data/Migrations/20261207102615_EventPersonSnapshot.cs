using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class EventPersonSnapshot : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "country",
                table: "event_persons",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "display_name",
                table: "event_persons",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "handles",
                table: "event_persons",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "profession",
                table: "event_persons",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "public_id",
                table: "event_persons",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "specialty",
                table: "event_persons",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "country",
                table: "event_persons");

            migrationBuilder.DropColumn(
                name: "display_name",
                table: "event_persons");

            migrationBuilder.DropColumn(
                name: "handles",
                table: "event_persons");

            migrationBuilder.DropColumn(
                name: "profession",
                table: "event_persons");

            migrationBuilder.DropColumn(
                name: "public_id",
                table: "event_persons");

            migrationBuilder.DropColumn(
                name: "specialty",
                table: "event_persons");
        }
    }
}
