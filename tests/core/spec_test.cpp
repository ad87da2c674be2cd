#include "descent/core/spec.hpp"

#include <gtest/gtest.h>

#include "descent/core/error.hpp"

namespace descent {
namespace {

TEST(Spec, ParsesNumbersListsBooleansAndWords) {
  const Spec s = Spec::parse("adam(lr=0.01, betas=[0.9, 0.99], amsgrad=true, mode='max', act=relu)");
  EXPECT_EQ(s.name(), "adam");
  EXPECT_DOUBLE_EQ(s.number("lr", 0), 0.01);
  EXPECT_EQ(s.numbers("betas", {}), (std::vector<double>{0.9, 0.99}));
  EXPECT_TRUE(s.boolean("amsgrad", false));
  EXPECT_EQ(s.word("mode", ""), "max");
  EXPECT_EQ(s.word("act", ""), "relu");
  EXPECT_DOUBLE_EQ(s.number("eps", 1e-8), 1e-8);
}

TEST(Spec, BareNameHasNoArguments) {
  const Spec s = Spec::parse("  sgd ");
  EXPECT_EQ(s.name(), "sgd");
  EXPECT_TRUE(s.args().empty());
  EXPECT_EQ(s.text(), "sgd");
}

TEST(Spec, ErrorNamesTheColumn) {
  try {
    Spec::parse("adam(lr 0.1)", "optimizer");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_usage);
    EXPECT_NE(std::string(e.what()).find("optimizer:1:9: expected '=' after key 'lr'"), std::string::npos)
        << e.what();
  }
}

TEST(Spec, UnknownKeyListsTheValidOnes) {
  const Spec s = Spec::parse("sgd(lr=0.1, moment=0.9)");
  try {
    s.check_keys({"lr", "momentum"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "sgd: unknown key 'moment'; valid keys: lr, momentum");
  }
}

TEST(Spec, WrongTypeIsReported) {
  const Spec s = Spec::parse("adam(lr=fast)");
  EXPECT_THROW(s.number("lr", 0.1), Error);
  EXPECT_THROW(Spec::parse("adam(lr=1, lr=2)"), Error);
  EXPECT_THROW(Spec::parse("adam(lr=1"), Error);
  EXPECT_THROW(Spec::parse("adam(lr=1e)"), Error);
}

TEST(Spec, TextRoundTrips) {
  const Spec s = Spec::parse("mlp(hidden=[128, 64], activation=relu)");
  EXPECT_EQ(s.text(), "mlp(hidden=[128, 64], activation=relu)");
  EXPECT_EQ(Spec::parse(s.text()).text(), s.text());
}

}  // namespace
}  // namespace descent
