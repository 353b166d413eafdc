#include "tests/support/sample_firms.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/brn.h"

namespace kexport::testing {

std::string SampleBrn(int64_t n) {
  // Digits 3-4 are `81`: a for-profit corporation.
  std::string nine = absl::StrFormat("%03d81%04d", (n / 10000) % 1000, n % 10000);
  return absl::StrCat(nine, BrnCheckDigit(nine));
}

registry::v1::Firm SampleFirm(const std::string& brn) {
  registry::v1::Firm firm;
  firm.set_brn(brn);
  firm.set_legal_name_ko("주식회사 케이반도체");
  firm.set_legal_name_en("K Semiconductor Co., Ltd.");
  firm.set_representative("홍길동");
  firm.set_size_class(registry::v1::SIZE_CLASS_SMALL);
  firm.mutable_founding_date()->set_year(2015);
  firm.mutable_founding_date()->set_month(3);
  firm.mutable_founding_date()->set_day(2);
  firm.mutable_ksic()->set_code("C26110");
  firm.mutable_ksic()->set_revision(11);
  firm.add_sectors("semiconductors");
  firm.mutable_contact()->set_email("export@example.kr");
  firm.mutable_contact()->set_phone("+82 2-123-4567");
  firm.mutable_procurement_bidder()->set_registered(true);
  firm.mutable_procurement_bidder()->set_bidder_id("KONEPS-123456");
  firm.set_growth_stage(registry::v1::GROWTH_STAGE_SETTLEMENT);
  firm.add_needs(registry::v1::NEED_LOCAL_FUNDING);
  return firm;
}

}  // namespace kexport::testing
