// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Capture writer: every window is flushed through gzip as it is written (Z_SYNC_FLUSH), so
 * `zcat` of a file cut by a crash or SIGKILL still yields every whole window; a failed write (a
 * full disk) is cut back to the last whole window. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <cjson/cJSON.h>
#include "capture/capture.h"
#include "hist.h"

/* Stops the capture after a failed write: the file is cut back to its last whole line. */
static void capture_fail(struct capture_writer *writer, int err)
{
	writer->failed = true;
	if (ftruncate(writer->fd, writer->whole_bytes))
		fprintf(stderr, "sloprobe: %s: cannot cut back to its last whole line: %s\n",
			writer->path, strerror(errno));
	if (writer->lines == 0)
		fprintf(stderr, "sloprobe: writing %s: %s\n", writer->path, strerror(err));
	else
		fprintf(stderr,
			"sloprobe: writing %s: %s (recording stopped; the %lu windows before "
			"are kept)\n",
			writer->path, strerror(err), writer->lines - 1);
}

/* Appends to writer->out, from @*used on, what deflate makes of @length bytes with @flush. */
static int capture_deflate(struct capture_writer *writer, const char *data, size_t length,
			   int flush, size_t *used)
{
	z_stream *stream = &writer->stream;
	unsigned char *grown;
	int zerr;

	stream->next_in = (Bytef *)data;
	stream->avail_in = (uInt)length;
	do {
		if (*used == writer->out_capacity) {
			grown = realloc(writer->out, writer->out_capacity * 2 + 16384);
			if (!grown)
				return -ENOMEM;
			writer->out = grown;
			writer->out_capacity = writer->out_capacity * 2 + 16384;
		}
		stream->next_out = writer->out + *used;
		stream->avail_out = (uInt)(writer->out_capacity - *used);
		zerr = deflate(stream, flush);
		*used = writer->out_capacity - stream->avail_out;
		if (zerr == Z_STREAM_ERROR)
			return -EINVAL;
	} while (stream->avail_out == 0 || (flush == Z_FINISH && zerr != Z_STREAM_END));
	return 0;
}

static int capture_write_all(int fd, const unsigned char *bytes, size_t length)
{
	ssize_t n;

	while (length) {
		n = write(fd, bytes, length);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		bytes += n;
		length -= (size_t)n;
	}
	return 0;
}

/* Compresses @length bytes of @data with @flush and writes them: all of them, or none. */
static int capture_put(struct capture_writer *writer, const char *data, size_t length, int flush)
{
	size_t used = 0;
	int err;

	if (writer->failed)
		return -1;
	err = capture_deflate(writer, data, length, Z_NO_FLUSH, &used);
	if (!err)
		err = capture_deflate(writer, "\n", flush == Z_FINISH ? 0 : 1, flush, &used);
	if (!err)
		err = capture_write_all(writer->fd, writer->out, used);
	if (err) {
		capture_fail(writer, -err);
		return -1;
	}
	writer->whole_bytes += (off_t)used;
	return 0;
}

int capture_open(struct capture_writer *writer, const char *path, const char *header_line)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	*writer = (struct capture_writer){ .fd = -1, .path = path };
	if (fd < 0) {
		fprintf(stderr, "sloprobe: --output %s: %s%s\n", path, strerror(errno),
			errno == EEXIST ? " (a capture is never overwritten: remove it or pick "
					  "another name)"
					: "");
		return -1;
	}
	writer->fd = fd;
	/* 15 + 16: a gzip wrapper around deflate, what zcat and gzread expect. */
	if (deflateInit2(&writer->stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		fprintf(stderr, "sloprobe: --output %s: cannot start gzip stream\n", path);
		close(fd);
		unlink(path);
		return -1;
	}
	writer->open = true;
	if (capture_write_line(writer, header_line)) {
		capture_close(writer);
		unlink(path);
		return -1;
	}
	return 0;
}

int capture_write_line(struct capture_writer *writer, const char *line)
{
	if (capture_put(writer, line, strlen(line), Z_SYNC_FLUSH))
		return -1;
	writer->lines++;
	return 0;
}

int capture_close(struct capture_writer *writer)
{
	int err = 0;

	if (!writer->open)
		return 0;
	writer->open = false;
	if (capture_put(writer, "", 0, Z_FINISH))
		err = -1;
	deflateEnd(&writer->stream);
	free(writer->out);
	writer->out = NULL;
	if (close(writer->fd) && !err) {
		fprintf(stderr, "sloprobe: closing %s: %s\n", writer->path, strerror(errno));
		err = -1;
	}
	writer->fd = -1;
	return err;
}

static cJSON *capture_histogram_layout(void)
{
	cJSON *layout = cJSON_CreateObject();

	cJSON_AddStringToObject(layout, "unit", "us");
	cJSON_AddNumberToObject(layout, "sub_bucket_bits", HIST_SUB_BITS);
	cJSON_AddNumberToObject(layout, "max_power", HIST_MAX_POWER);
	cJSON_AddNumberToObject(layout, "buckets", HIST_BUCKETS);
	return layout;
}

char *capture_header_line(double start_ts, double interval_s, const char *program_set)
{
	cJSON *header = cJSON_CreateObject();
	struct utsname uts;
	char host[256] = "unknown";
	long pages = sysconf(_SC_PHYS_PAGES), page_bytes = sysconf(_SC_PAGESIZE);
	char *line;

	gethostname(host, sizeof(host) - 1);
	if (uname(&uts))
		strcpy(uts.release, "unknown");
	cJSON_AddStringToObject(header, "format", "sloprobe-capture");
	cJSON_AddNumberToObject(header, "version", CAPTURE_FORMAT_VERSION);
	cJSON_AddStringToObject(header, "host", host);
	cJSON_AddStringToObject(header, "kernel", uts.release);
	cJSON_AddNumberToObject(header, "cpus", (double)sysconf(_SC_NPROCESSORS_ONLN));
	cJSON_AddNumberToObject(header, "memory_bytes", (double)pages * (double)page_bytes);
	cJSON_AddStringToObject(header, "sloprobe_version", SLOPROBE_VERSION);
	cJSON_AddNumberToObject(header, "start_ts", start_ts);
	cJSON_AddNumberToObject(header, "interval_s", interval_s);
	cJSON_AddStringToObject(header, "program_set", program_set);
	cJSON_AddItemToObject(header, "latency_histogram", capture_histogram_layout());
	line = cJSON_PrintUnformatted(header);
	cJSON_Delete(header);
	return line;
}
