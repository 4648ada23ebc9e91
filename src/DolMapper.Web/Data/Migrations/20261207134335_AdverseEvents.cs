using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class AdverseEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "adverse_event_scan",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    last_post_id = table.Column<long>(type: "bigint", nullable: false),
                    products_key = table.Column<string>(type: "text", nullable: true),
                    scanned_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_adverse_event_scan", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "adverse_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    post_id = table.Column<long>(type: "bigint", nullable: false),
                    account_id = table.Column<long>(type: "bigint", nullable: false),
                    found_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    due_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    criteria = table.Column<string[]>(type: "text[]", nullable: false),
                    products = table.Column<string[]>(type: "text[]", nullable: false),
                    events = table.Column<string[]>(type: "text[]", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    decided_by = table.Column<string>(type: "text", nullable: true),
                    decided_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    note = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_adverse_events", x => x.id);
                    table.CheckConstraint("ck_adverse_events_status", "status IN ('open', 'reported', 'not_ae')");
                });

            migrationBuilder.CreateIndex(
                name: "ix_adverse_events_post_id",
                table: "adverse_events",
                column: "post_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_adverse_events_status_due_at",
                table: "adverse_events",
                columns: new[] { "status", "due_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "adverse_event_scan");

            migrationBuilder.DropTable(
                name: "adverse_events");
        }
    }
}
