using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class PersonMergesAndPinnedAccounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "merged_into",
                table: "persons",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "person_pinned",
                table: "accounts",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "merge_dismissals",
                columns: table => new
                {
                    person_a = table.Column<long>(type: "bigint", nullable: false),
                    person_b = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_merge_dismissals", x => new { x.person_a, x.person_b });
                });

            migrationBuilder.CreateTable(
                name: "person_merges",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    kept_person_id = table.Column<long>(type: "bigint", nullable: false),
                    absorbed_person_id = table.Column<long>(type: "bigint", nullable: false),
                    account_ids = table.Column<long[]>(type: "bigint[]", nullable: false),
                    crm_relationship_ids = table.Column<long[]>(type: "bigint[]", nullable: false),
                    kept_before = table.Column<string>(type: "jsonb", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "text", nullable: true),
                    undone_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    undone_by = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_person_merges", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_persons_merged_into",
                table: "persons",
                column: "merged_into");

            migrationBuilder.CreateIndex(
                name: "ix_person_merges_absorbed_person_id",
                table: "person_merges",
                column: "absorbed_person_id");

            migrationBuilder.CreateIndex(
                name: "ix_person_merges_kept_person_id",
                table: "person_merges",
                column: "kept_person_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "merge_dismissals");

            migrationBuilder.DropTable(
                name: "person_merges");

            migrationBuilder.DropIndex(
                name: "ix_persons_merged_into",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "merged_into",
                table: "persons");

            migrationBuilder.DropColumn(
                name: "person_pinned",
                table: "accounts");
        }
    }
}
