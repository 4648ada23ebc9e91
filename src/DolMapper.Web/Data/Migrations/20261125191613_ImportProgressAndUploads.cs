using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace DolMapper.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ImportProgressAndUploads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "bytes_read",
                table: "ingestion_runs",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "bytes_total",
                table: "ingestion_runs",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "details",
                table: "ingestion_runs",
                type: "jsonb",
                nullable: false,
                defaultValue: "{}");

            migrationBuilder.CreateTable(
                name: "uploads",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    file_name = table.Column<string>(type: "text", nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    allow_relationships = table.Column<bool>(type: "boolean", nullable: false),
                    uploaded_by = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    run_id = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_uploads", x => x.id);
                    table.ForeignKey(
                        name: "fk_uploads_ingestion_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "ingestion_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "upload_chunks",
                columns: table => new
                {
                    upload_id = table.Column<long>(type: "bigint", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_upload_chunks", x => new { x.upload_id, x.sequence });
                    table.ForeignKey(
                        name: "fk_upload_chunks_uploads_upload_id",
                        column: x => x.upload_id,
                        principalTable: "uploads",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Uploads are mostly gzip already: store the pieces as they are, without trying to compress them again.
            migrationBuilder.Sql("ALTER TABLE upload_chunks ALTER COLUMN data SET STORAGE EXTERNAL;");

            migrationBuilder.CreateIndex(
                name: "ix_ingestion_runs_kind_started_at",
                table: "ingestion_runs",
                columns: new[] { "kind", "started_at" });

            migrationBuilder.CreateIndex(
                name: "ix_uploads_run_id",
                table: "uploads",
                column: "run_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "upload_chunks");

            migrationBuilder.DropTable(
                name: "uploads");

            migrationBuilder.DropIndex(
                name: "ix_ingestion_runs_kind_started_at",
                table: "ingestion_runs");

            migrationBuilder.DropColumn(
                name: "bytes_read",
                table: "ingestion_runs");

            migrationBuilder.DropColumn(
                name: "bytes_total",
                table: "ingestion_runs");

            migrationBuilder.DropColumn(
                name: "details",
                table: "ingestion_runs");
        }
    }
}
