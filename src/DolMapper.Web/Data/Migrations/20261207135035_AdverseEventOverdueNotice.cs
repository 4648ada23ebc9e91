using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class AdverseEventOverdueNotice : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "overdue_notified_at",
                table: "adverse_events",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "overdue_notified_at",
                table: "adverse_events");
        }
    }
}
