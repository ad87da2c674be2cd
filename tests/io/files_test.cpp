// Atomic writes (temporary files, links, special files, a full disk, concurrent writers),
// reading, gzip.
#include "descent/io/files.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include "descent/core/error.hpp"
#include "io/temp_dir.hpp"

namespace descent::io {
namespace {

TEST(Files, AtomicWriteReplacesWholeAndLeavesNoTmp) {
  test::TempDir dir;
  const std::string path = dir.file("state.bin");
  write_file_atomic(path, std::string(10000, 'a'));
  write_file_atomic(path, "short");
  EXPECT_EQ(read_file(path), "short");
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"state.bin"});
}

TEST(WriteFileAtomic, RefusesToFollowASymlinkedTemp) {
  test::TempDir dir;
  write_file_atomic(dir.file("victim"), "precious");
  // The name the old writer used for its temporary file, planted as a link to another file.
  std::filesystem::create_symlink(dir.file("victim"), dir.file("c.ckpt.tmp"));
  write_file_atomic(dir.file("c.ckpt"), "checkpoint");
  EXPECT_EQ(read_file(dir.file("victim")), "precious");
  EXPECT_EQ(read_file(dir.file("c.ckpt")), "checkpoint");
  EXPECT_EQ(dir.listing(), (std::vector<std::string>{"c.ckpt", "c.ckpt.tmp", "victim"}));
}

TEST(WriteFileAtomic, ReplacesTheFileASymlinkNamesAndKeepsTheLink) {
  test::TempDir dir;
  write_file_atomic(dir.file("run1.ckpt"), "old");
  std::filesystem::create_symlink("run1.ckpt", dir.file("latest.ckpt"));
  write_file_atomic(dir.file("latest.ckpt"), "new");
  EXPECT_TRUE(std::filesystem::is_symlink(dir.file("latest.ckpt")));
  EXPECT_EQ(read_file(dir.file("run1.ckpt")), "new");
}

TEST(WriteFileAtomic, RefusesADanglingSymlink) {
  test::TempDir dir;
  std::filesystem::create_symlink(dir.file("missing"), dir.file("out.csv"));
  EXPECT_THROW(write_file_atomic(dir.file("out.csv"), "x"), Error);
  EXPECT_FALSE(std::filesystem::exists(dir.file("missing")));
}

TEST(WriteFileAtomic, WritesAPipeInPlaceWithoutReplacingIt) {
  test::TempDir dir;
  const std::string fifo = dir.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);  // a reader, so the open succeeds
  ASSERT_GE(reader, 0);
  write_file_atomic(fifo, "through the pipe");
  char buffer[64] = {};
  const ssize_t n = ::read(reader, buffer, sizeof buffer);
  ::close(reader);
  EXPECT_EQ(std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0), "through the pipe");
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"fifo"});
}

// A device node of our own for /dev/null's device (1, 3): what `--out /dev/null` writes, without
// putting the real /dev/null at stake should this ever regress (as root, a rename replaces it).
TEST(WriteFileAtomic, WritesACharacterDeviceInPlaceWithoutReplacingIt) {
  test::TempDir dir;
  const std::string null = dir.file("null");
  if (::mknod(null.c_str(), S_IFCHR | 0666, ::makedev(1, 3)) != 0) {
    GTEST_SKIP() << "mknod needs CAP_MKNOD: " << std::strerror(errno);
  }
  write_file_atomic(null, "discarded");
  EXPECT_TRUE(std::filesystem::is_character_file(null));
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"null"});
}

TEST(WriteFileAtomic, RefusesAPipeWithoutAReaderInsteadOfWaiting) {
  test::TempDir dir;
  const std::string fifo = dir.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  try {
    write_file_atomic(fifo, "nobody listens");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::io);
    EXPECT_NE(std::string(e.what()).find("no reader"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
}

TEST(WriteFileAtomic, RefusesADirectory) {
  test::TempDir dir;
  std::filesystem::create_directory(dir.file("sub"));
  try {
    write_file_atomic(dir.file("sub"), "x");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::io);
    EXPECT_NE(std::string(e.what()).find("it is a directory"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(std::filesystem::is_directory(dir.file("sub")));
}

TEST(WriteFileAtomic, KeepsThePermissionsOfTheFileItReplaces) {
  test::TempDir dir;
  const std::string path = dir.file("secret");
  write_file_atomic(path, "v1");
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  write_file_atomic(path, "v2");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// A full disk, played by a file-size limit (RLIMIT_FSIZE) in a child process, with SIGXFSZ
// ignored so that the write fails with EFBIG instead of killing the child.
TEST(WriteFileAtomic, FullDiskIsAnIoErrorThatLeavesNoFile) {
  test::TempDir dir;
  const std::string path = dir.file("big.bin");
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    try {
      write_file_atomic(path, std::string(100000, 'x'));
    } catch (const Error& e) {
      const bool named = std::string(e.what()).find("File too large") != std::string::npos;
      ::_exit(e.code() == ErrorCode::io && named ? 0 : 2);
    }
    ::_exit(1);  // no error: the failure went unnoticed
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: no error reported; 2: not an io error naming EFBIG";
  EXPECT_TRUE(dir.listing().empty());
}

TEST(WriteFileAtomic, ConcurrentWritersOfOnePathAllSucceed) {
  test::TempDir dir;
  const std::string path = dir.file("shared.ckpt");
  constexpr int kWriters = 4, kWrites = 50;
  std::vector<int> failures(kWriters, 0);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kWrites; ++i) {
        try {
          write_file_atomic(path, std::string(1000 + w, static_cast<char>('a' + w)));
        } catch (const Error&) {
          ++failures[static_cast<std::size_t>(w)];
        }
      }
    });
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(failures, std::vector<int>(kWriters, 0));
  const std::string bytes = read_file(path);
  ASSERT_GE(bytes.size(), 1000u);
  EXPECT_EQ(bytes, std::string(bytes.size(), bytes[0]));  // one writer's whole file
  EXPECT_EQ(dir.listing(), std::vector<std::string>{"shared.ckpt"});
}

TEST(Files, AtomicWriteToMissingDirectoryIsAnIoError) {
  test::TempDir dir;
  try {
    write_file_atomic(dir.file("no/such/dir/x"), "data");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::io);
    EXPECT_NE(std::string(e.what()).find("cannot write"), std::string::npos) << e.what();
  }
}

TEST(Files, ReadingAMissingFileNamesIt) {
  try {
    read_file("/nonexistent/file.csv");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    EXPECT_EQ(std::string(e.what()),
              "cannot open '/nonexistent/file.csv': No such file or directory");
  }
}

TEST(Files, BinaryBytesRoundTrip) {
  test::TempDir dir;
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  write_file_atomic(dir.file("b"), bytes);
  EXPECT_EQ(read_file(dir.file("b")), bytes);
}

TEST(Gzip, RoundTripThroughZlib) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += std::to_string(i * 7919 % 1000) + ",";
  const std::string packed = gzip(text);
  EXPECT_TRUE(is_gzip(packed));
  EXPECT_LT(packed.size(), text.size());
  EXPECT_EQ(gunzip(packed), text);
}

TEST(Gzip, EmptyInputRoundTrips) { EXPECT_EQ(gunzip(gzip("")), ""); }

TEST(Gzip, ConcatenatedMembersDecodeToTheConcatenation) {
  EXPECT_EQ(gunzip(gzip("hello ") + gzip("world")), "hello world");
}

TEST(Gzip, CorruptDataIsBadInput) {
  std::string packed = gzip(std::string(1000, 'x'));
  packed[packed.size() / 2] ^= 0x55;
  packed[12] ^= 0x55;
  EXPECT_THROW(gunzip(packed), Error);
  EXPECT_THROW(gunzip(packed.substr(0, packed.size() / 2)), Error);  // truncated
}

TEST(Gzip, ReadMaybeGzipDetectsByMagic) {
  test::TempDir dir;
  write_file_atomic(dir.file("a.txt"), gzip("1,2,3\n"));
  write_file_atomic(dir.file("b.txt"), "4,5,6\n");
  EXPECT_EQ(read_maybe_gzip(dir.file("a.txt")), "1,2,3\n");
  EXPECT_EQ(read_maybe_gzip(dir.file("b.txt")), "4,5,6\n");
}

}  // namespace
}  // namespace descent::io
