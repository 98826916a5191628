// Issue 16 items 8 and 9 through the API, on SQLite and PostgreSQL: a sample bought from
// an online shop (platform, shop, order, purchase, delivery) goes through the laboratory
// to a nonconforming report whose notices reach the bureau of the shop's registered
// address and that of the platform operator; evidence files are attached to a sample
// (kept once by SHA-256, refused by type and size, served as downloads that are never
// sniffed); the sampling record PDF shows the certificates, the stage and the price.
#include "tests/support/pdf_text.hpp"
#include "tests/support/sampling_values.hpp"
#include "tests/support/test_service.hpp"

#include "lims/domain/text/sha256.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/Data/Session.h>

#include <gtest/gtest.h>

#include <set>
#include <sstream>

using namespace lims;
using namespace lims::test;
using domain::Role;

namespace {

std::string base64(const std::string& bytes) {
    std::ostringstream out;
    Poco::Base64Encoder enc(out);
    enc.rdbuf()->setLineLength(0);
    enc << bytes;
    enc.close();
    return out.str();
}

std::string jpeg(const std::string& salt) { return std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 11) + salt + "\xFF\xD9"; }
std::string png(const std::string& salt) { return std::string("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR", 16) + salt; }

// A credit code registered in another region (positions 3-8).
std::string code_in(const std::string& region, const std::string& stem9) {
    const std::string first17 = "91" + region + stem9;
    return first17 + *domain::CreditCode::check_character_for(first17);
}

Headers if_match(const HttpReply& r) { return {{"If-Match", r.header("etag")}}; }

class OnlineSamplingTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        requireBackend(GetParam());
        if (IsSkipped() || HasFatalFailure()) return;
        service = std::make_unique<TestService>(TestService::Options{.backend = GetParam()});
    }

    std::unique_ptr<TestService> service;
    const std::string admin = TestService::kRootAdministrator;
    std::string user(Role role, Jurisdiction side = Jurisdiction::A) { return TestService::username(role, side); }

    HttpReply call(const std::string& who, const std::string& method, const std::string& target,
                   const std::string& body = "", Headers headers = {}) {
        if (!body.empty() && !headers.count("Content-Type")) headers["Content-Type"] = "application/json";
        return service->as(who).request(method, target, body, headers);
    }

    std::int64_t scalar(const std::string& sql) {
        Poco::Data::Session s = service->rawSession();
        Poco::Int64 n = 0;
        s << sql, Poco::Data::Keywords::into(n), Poco::Data::Keywords::now;
        return n;
    }

    std::string startedTask() {
        const std::string y = std::to_string(static_cast<int>(std::chrono::year_month_day{
            std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() + std::chrono::hours(8))}.year()));
        auto plan = call(user(Role::planner), "POST", "/api/v1/sampling-plans",
                         R"({"code":"P-)" + y + R"(-NET","title":"网络抽样","year":)" + y + R"(,"starts_on":")" + y +
                             R"(-01-01","ends_on":")" + y + R"(-12-31","quotas":[{"office_id":)" +
                             std::to_string(service->organisationId(TestService::kOfficeA1)) +
                             R"(,"category":"drug","quantity":5,"due_on":")" + y + R"(-12-31"}]})");
        EXPECT_EQ(plan.status, 201) << plan.describe();
        auto published = call(user(Role::planner), "POST", "/api/v1/sampling-plans/P-" + y + "-NET/publish", "",
                              if_match(plan));
        EXPECT_EQ(published.status, 200) << published.describe();
        const std::string task = published.json()->getArray("tasks")->getObject(0)->getValue<std::string>("number");
        auto read = call(user(Role::sampler), "GET", "/api/v1/tasks/" + task);
        auto started = call(user(Role::sampler), "POST", "/api/v1/tasks/" + task + "/start", "", if_match(read));
        EXPECT_EQ(started.status, 200) << started.describe();
        return task;
    }

    std::string registration(const std::string& task, int seal, const std::string& extra,
                             std::optional<std::int64_t> product = std::nullopt) {
        return R"({"task_number":")" + task + R"(",
          "entity":{"name":"某某大药房连锁有限公司","credit_code":")" + code_in("330106", "MA27U0001") + R"(","kind":"pharmacy","address":"杭州市西湖区某路 8 号"},
          "product":{)" + (product ? R"("id":)" + std::to_string(*product) + "," : std::string()) +
               R"("name":"阿莫西林胶囊","category":"drug","specification":"0.25 g × 24 粒","manufacturer_name":"某制药有限公司",
                     "manufacturer_credit_code":")" + credit_code("MA1FL0002") + R"("},
          "batch_number":"B2401","production_date":"2025-01-15","expiry_date":"2027-01-14",
          "quantity":"6","unit":"盒","test_quantity":"4","retained_quantity":"2","storage_condition":"ambient",
          "seal_numbers":["NET-)" + std::to_string(seal) + R"("],
          "sampler_user_ids":[)" + std::to_string(service->userId(user(Role::sampler))) + "," +
               std::to_string(service->userId("sampler2_a")) + R"(],
          "sampled_at":")" + utc_minutes_ago(60) + R"(","sampling_place":"市局抽样室（收货后当场签封）")" + extra + "}";
    }

    std::string online() {
        return R"(,"online":{"platform_name":"某电商平台","platform_credit_code":")" + code_in("110105", "MA00PLAT1") + R"(",
            "shop_name":"某某大药房旗舰店","shop_url":"https://shop-8848.example-mall.com/index.html?spm=a1",
            "shop_region_code":"330106","shop_address":"杭州市西湖区某路 8 号","order_number":"ORD-20261201-0042",
            "receiving_address":"上海市黄浦区某路 1 号 抽样室",
            "delivery":{"carrier":"顺丰速运","tracking_number":"SF1400000042","received_on":"2026-12-03"}},
          "purchase":{"price":"36.50","payment_method":"platform_order","payment_reference":"PAY-88"},
          "sampler_certificates":["ZF3101-0001","ZF3101-0002"])";
    }
};

TEST_P(OnlineSamplingTest, AnOnlineSamplesNoticeGoesToTheBureausOfTheShopAndOfThePlatform) {
    // The bureaus of Hangzhou (the shop's registered address) and Beijing (the platform operator's).
    const auto hz = service->addOrganisation("BUREAU-HZ", "杭州市市场监督管理局", domain::OrganisationKind::bureau, "330100",
                                             TestService::kProvince);
    const auto bj = service->addOrganisation("BUREAU-BJ", "北京市药品监督管理局", domain::OrganisationKind::bureau, "110000",
                                             TestService::kProvince);
    auto product = call(admin, "POST", "/api/v1/products",
                        R"({"name":"阿莫西林胶囊","category":"drug","dosage_form":"capsule","approval_number":"H20044063","storage_class":"ambient"})");
    ASSERT_EQ(product.status, 201) << product.describe();
    const auto productId = product.json()->getValue<std::int64_t>("id");
    auto line = call(admin, "POST", "/api/v1/products/" + std::to_string(productId) + "/specification-lines",
                     R"({"test_code":"ASSAY","item":"含量测定","requirement":"90.0–110.0","unit":"%","precision":1,"basis":"ChP 2025"})");
    ASSERT_EQ(line.status, 201) << line.describe();

    const auto task = startedTask();
    auto sample = call(user(Role::sampler), "POST", "/api/v1/samples", registration(task, 1, online(), productId));
    ASSERT_EQ(sample.status, 201) << sample.describe();
    const std::string number = sample.json()->getValue<std::string>("number");

    // Read back as recorded: the shop, the order, the parcel, the purchase, stage distribution.
    auto read = call(user(Role::sampler), "GET", "/api/v1/samples/" + number);
    ASSERT_EQ(read.status, 200) << read.describe();
    auto o = read.json()->getObject("online");
    ASSERT_TRUE(o) << read.describe();
    EXPECT_EQ(o->getValue<std::string>("shop_url"), "https://shop-8848.example-mall.com/index.html?spm=a1");
    EXPECT_EQ(o->getValue<std::string>("platform_region_code"), "110105");  // from the operator's credit code
    EXPECT_EQ(o->getValue<std::string>("order_number"), "ORD-20261201-0042");
    EXPECT_EQ(o->getObject("delivery")->getValue<std::string>("tracking_number"), "SF1400000042");
    EXPECT_EQ(read.json()->getValue<std::string>("sampling_stage"), "distribution");
    EXPECT_EQ(read.json()->getObject("purchase")->getValue<std::string>("price"), "36.50");
    // The shop's operator is recorded under its registered region, not the office's.
    EXPECT_EQ(scalar("SELECT count(*) FROM regulated_entities WHERE region_code = '330106' AND credit_code = '" +
                     code_in("330106", "MA27U0001") + "'"),
              1);

    // The parcel's tracking corrected: a new record, the sample's version moves on (If-Match).
    auto noPrecondition = call(user(Role::sampler), "POST", "/api/v1/samples/" + number + "/delivery",
                               R"({"carrier":"顺丰速运","tracking_number":"SF1400000043"})");
    EXPECT_EQ(noPrecondition.status, 428) << noPrecondition.describe();
    auto tracked = call(user(Role::sampler), "POST", "/api/v1/samples/" + number + "/delivery",
                        R"({"carrier":"顺丰速运","tracking_number":"SF1400000043","received_on":"2026-12-04","note":"运单号更正"})",
                        if_match(read));
    ASSERT_EQ(tracked.status, 200) << tracked.describe();
    auto stale = call(user(Role::sampler), "POST", "/api/v1/samples/" + number + "/delivery",
                      R"({"carrier":"顺丰速运","tracking_number":"SF1400000044"})", if_match(read));
    EXPECT_TRUE(stale.status == 409 || stale.status == 412) << stale.describe();
    auto future = call(user(Role::sampler), "POST", "/api/v1/samples/" + number + "/delivery",
                       R"({"carrier":"顺丰速运","tracking_number":"SF1","received_on":"2999-01-01"})", if_match(tracked));
    EXPECT_EQ(future.status, 422) << future.describe();
    read = call(user(Role::sampler), "GET", "/api/v1/samples/" + number);
    o = read.json()->getObject("online");
    EXPECT_EQ(o->getObject("delivery")->getValue<std::string>("tracking_number"), "SF1400000043");
    EXPECT_EQ(o->getArray("deliveries")->size(), 2u);
    EXPECT_EQ(scalar("SELECT count(*) FROM audit_log WHERE action = 'sample.delivery' AND entity_id = '" + number + "'"), 1);

    // Through the laboratory to a nonconforming report.
    auto shipment = call(user(Role::sampler), "POST", "/api/v1/shipments",
                         R"({"samples":[")" + number + R"("],"laboratory_id":)" +
                             std::to_string(service->organisationId(TestService::kLabA)) + R"(,"carrier":"SF Express"})");
    ASSERT_EQ(shipment.status, 201) << shipment.describe();
    const std::string shipmentNumber = shipment.json()->getValue<std::string>("number");
    auto sent = call(user(Role::sampler), "POST", "/api/v1/shipments/" + shipmentNumber + "/dispatch", "{}", if_match(shipment));
    ASSERT_EQ(sent.status, 200) << sent.describe();
    auto came = call(user(Role::receiver), "POST", "/api/v1/shipments/" + shipmentNumber + "/arrive", "{}", if_match(sent));
    ASSERT_EQ(came.status, 200) << came.describe();
    auto atLab = call(user(Role::receiver), "GET", "/api/v1/samples/" + number);
    auto received = call(user(Role::receiver), "POST", "/api/v1/samples/" + number + "/receipt",
                         R"({"checklist":{"seals_intact":true,"seal_numbers_match":true,"labels_match":true,"quantity_matches":true,"package_condition":"good"},"decision":"accept"})",
                         if_match(atLab));
    ASSERT_EQ(received.status, 200) << received.describe();
    // The laboratory photographs the parcel at receipt.
    auto receiptPhoto = call(user(Role::receiver), "POST", "/api/v1/samples/" + number + "/attachments",
                             R"({"purpose":"receipt_photo","file_name":"parcel.jpg","content_base64":")" +
                                 base64(jpeg("parcel")) + R"("})");
    EXPECT_EQ(receiptPhoto.status, 201) << receiptPhoto.describe();

    auto worklist = call(user(Role::analyst), "GET", "/api/v1/worklists/tests");
    ASSERT_EQ(worklist.status, 200) << worklist.describe();
    auto items = worklist.json()->getArray("items");
    std::string testId;
    const std::string sampleId = std::to_string(scalar("SELECT id FROM samples WHERE number = '" + number + "'"));
    for (std::size_t i = 0; items && i < items->size(); ++i)
        if (items->getObject(i)->get("sample_id").toString() == sampleId) testId = items->getObject(i)->get("id").toString();
    ASSERT_FALSE(testId.empty()) << worklist.describe();
    auto test = call(user(Role::analyst), "GET", "/api/v1/tests/" + testId);
    auto entered = call(user(Role::analyst), "POST", "/api/v1/tests/" + testId + "/results", R"({"value":"80.2","unit":"%"})",
                        if_match(test));
    ASSERT_EQ(entered.status, 201) << entered.describe();
    service->addUser("analyst2_a", TestService::kLabA, {"analyst"});
    test = call("analyst2_a", "GET", "/api/v1/tests/" + testId);
    auto reviewed = call("analyst2_a", "POST", "/api/v1/tests/" + testId + "/review",
                         std::string(R"({"decision":"accept","password":")") + TestService::kPassword + R"("})", if_match(test));
    ASSERT_EQ(reviewed.status, 200) << reviewed.describe();
    test = call(user(Role::reviewer), "GET", "/api/v1/tests/" + testId);
    auto verified = call(user(Role::reviewer), "POST", "/api/v1/tests/" + testId + "/verify",
                         std::string(R"({"password":")") + TestService::kPassword + R"("})", if_match(test));
    ASSERT_EQ(verified.status, 200) << verified.describe();
    auto draft = call(user(Role::signatory), "POST", "/api/v1/samples/" + number + "/reports", "");
    ASSERT_EQ(draft.status, 201) << draft.describe();
    const std::string report = draft.json()->getValue<std::string>("number");
    auto approved = call(user(Role::signatory), "POST", "/api/v1/reports/" + report + "/approve",
                         std::string(R"({"password":")") + TestService::kPassword + R"("})", if_match(draft));
    ASSERT_EQ(approved.status, 200) << approved.describe();
    auto issued = call(user(Role::signatory), "POST", "/api/v1/reports/" + report + "/issue", R"({"serious_risk":false})",
                       if_match(approved));
    ASSERT_EQ(issued.status, 200) << issued.describe();

    // The notices: the organising bureau (which is also the manufacturer's), the shop's
    // bureau (Hangzhou) and the platform operator's (Beijing), each party noted.
    std::set<std::int64_t> to;
    Poco::Data::Session s = service->rawSession();
    std::vector<Poco::Int64> orgs;
    s << "SELECT n.to_org_id FROM notices n JOIN samples x ON x.id = n.sample_id WHERE x.number = $1 ORDER BY n.id",
        Poco::Data::Keywords::useRef(number), Poco::Data::Keywords::into(orgs), Poco::Data::Keywords::now;
    to.insert(orgs.begin(), orgs.end());
    EXPECT_EQ(to, (std::set<std::int64_t>{service->organisationId(TestService::kBureauA), hz.id, bj.id}));
    EXPECT_EQ(orgs.size(), 3u);
    std::vector<std::string> parties;
    std::vector<Poco::Int64> partyOrgs;
    s << "SELECT p.party, n.to_org_id FROM notice_parties p JOIN notices n ON n.id = p.notice_id "
         "JOIN samples x ON x.id = n.sample_id WHERE x.number = $1 ORDER BY p.party",
        Poco::Data::Keywords::useRef(number), Poco::Data::Keywords::into(parties), Poco::Data::Keywords::into(partyOrgs),
        Poco::Data::Keywords::now;
    ASSERT_EQ(parties, (std::vector<std::string>{"online_shop", "platform_operator"}));
    EXPECT_EQ(partyOrgs, (std::vector<Poco::Int64>{hz.id, bj.id}));
    // Each bureau sees its notice in its inbox.
    service->addUser("viewer_hz", "BUREAU-HZ", {"bureau_viewer"});
    auto inbox = call("viewer_hz", "GET", "/api/v1/notices");
    ASSERT_EQ(inbox.status, 200) << inbox.describe();
    EXPECT_NE(inbox.body.find(number), std::string::npos) << inbox.describe();

    // The sampling record shows the online purchase, the certificates, stage and price.
    auto pdf = call(user(Role::sampler), "GET", "/api/v1/samples/" + number + "/sampling-record.pdf");
    ASSERT_EQ(pdf.status, 200) << pdf.describe();
    const auto text = lims::testing::pdf_text(pdf.body);
    for (const char* expected : {"ZF3101-0001", "ZF3101-0002", "经营环节", "36.50 元", "平台订单支付", "某电商平台",
                                 "ORD-20261201-0042", "SF1400000043", "某某大药房旗舰店"})
        EXPECT_NE(text.find(expected), std::string::npos) << expected << " not in:\n" << text;
}

TEST_P(OnlineSamplingTest, EvidenceIsKeptByItsHashCheckedByTypeAndSizeAndServedAsADownload) {
    const auto task = startedTask();
    const std::string onSite = R"(,"sampling_stage":"use","supplier":{"name":"某医药有限公司"},"stock_quantity":"120",
        "unit_contact":{"name":"王店长","phone":"0512-65230000"},"purchase":{"price":"0"},
        "sampler_certificates":["ZF3101-0101","ZF3101-0102"])";
    auto sample = call(user(Role::sampler), "POST", "/api/v1/samples", registration(task, 2, onSite));
    ASSERT_EQ(sample.status, 201) << sample.describe();
    const std::string number = sample.json()->getValue<std::string>("number");
    const std::string at = "/api/v1/samples/" + number + "/attachments";

    const std::string photo = jpeg(std::string(4000, 'p'));
    auto up = call(user(Role::sampler), "POST", at,
                   R"({"purpose":"on_site_photo","file_name":"货架.jpg","note":"货架第三层","content_base64":")" + base64(photo) + R"("})");
    ASSERT_EQ(up.status, 201) << up.describe();
    const std::string sha = up.json()->getValue<std::string>("sha256");
    EXPECT_EQ(sha, domain::sha256_hex(photo));
    EXPECT_EQ(up.json()->getValue<std::string>("media_type"), "image/jpeg");
    EXPECT_EQ(up.json()->getValue<std::int64_t>("size"), static_cast<std::int64_t>(photo.size()));
    // The same bytes again (another purpose): a second attachment, one stored content.
    auto again = call(user(Role::sampler), "POST", at,
                      R"({"purpose":"document","content_base64":")" + base64(photo) + R"("})");
    ASSERT_EQ(again.status, 201) << again.describe();
    auto shot = call(user(Role::sampler), "POST", at,
                     R"({"purpose":"payment_record","content_base64":")" + base64(png("pay")) + R"("})");
    ASSERT_EQ(shot.status, 201) << shot.describe();
    EXPECT_EQ(scalar("SELECT count(*) FROM attachment_contents WHERE sha256 = '" + sha + "'"), 1);
    EXPECT_EQ(scalar("SELECT count(*) FROM audit_log WHERE action = 'attachment.add' AND entity_id = '" + number + "'"), 3);

    auto list = call(user(Role::planner), "GET", at);
    ASSERT_EQ(list.status, 200) << list.describe();
    EXPECT_EQ(list.json()->getArray("items")->size(), 3u);

    // Downloaded as exactly those bytes, as what they are, never sniffed, never inline.
    auto down = call(user(Role::sampler), "GET", at + "/" + sha);
    ASSERT_EQ(down.status, 200) << down.describe();
    EXPECT_EQ(domain::sha256_hex(down.body), sha);
    EXPECT_EQ(down.contentType, "image/jpeg");
    EXPECT_EQ(down.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(down.header("content-disposition"), "attachment; filename=\"" + number + "-1.jpg\"");
    EXPECT_EQ(call(user(Role::sampler), "GET", at + "/" + std::string(64, 'a')).status, 404);
    EXPECT_EQ(call(user(Role::sampler), "GET", at + "/not-a-hash").status, 422);

    // Refused: another type (named), too large, not base64, a purpose not the sampler's.
    auto gif = call(user(Role::sampler), "POST", at, R"({"purpose":"on_site_photo","content_base64":")" +
                                                         base64("GIF89a\x01\x00\x01\x00") + R"("})");
    EXPECT_EQ(gif.status, 422) << gif.describe();
    EXPECT_NE(gif.body.find("content_base64"), std::string::npos) << gif.describe();
    EXPECT_NE(gif.body.find("GIF image"), std::string::npos) << gif.describe();
    auto html = call(user(Role::sampler), "POST", at, R"({"purpose":"document","content_base64":")" +
                                                          base64("<html><script>alert(1)</script></html>") + R"("})");
    EXPECT_EQ(html.status, 422) << html.describe();
    EXPECT_NE(html.body.find("HTML document"), std::string::npos) << html.describe();
    auto big = call(user(Role::sampler), "POST", at, R"({"purpose":"on_site_photo","content_base64":")" +
                                                         base64(jpeg(std::string(700 * 1024, 'x'))) + R"("})");
    EXPECT_EQ(big.status, 422) << big.describe();
    EXPECT_NE(big.body.find("lims.attachments.max_bytes"), std::string::npos) << big.describe();
    auto garbled = call(user(Role::sampler), "POST", at, R"({"purpose":"on_site_photo","content_base64":"%%%"})");
    EXPECT_EQ(garbled.status, 422) << garbled.describe();
    auto notSamplers = call(user(Role::sampler), "POST", at, R"({"purpose":"receipt_photo","content_base64":")" +
                                                                 base64(jpeg("r")) + R"("})");
    EXPECT_EQ(notSamplers.status, 403) << notSamplers.describe();
    EXPECT_EQ(scalar("SELECT count(*) FROM attachments"), 3);

    // Another jurisdiction never learns the sample exists.
    EXPECT_EQ(call(user(Role::sampler, Jurisdiction::B), "GET", at).status, 404);
    EXPECT_EQ(call(user(Role::sampler, Jurisdiction::B), "GET", at + "/" + sha).status, 404);
    EXPECT_EQ(call(user(Role::sampler, Jurisdiction::B), "POST", at,
                   R"({"purpose":"on_site_photo","content_base64":")" + base64(jpeg("b")) + R"("})")
                  .status,
              404);
    // Bought on site: no parcel to track.
    auto read = call(user(Role::sampler), "GET", "/api/v1/samples/" + number);
    EXPECT_EQ(call(user(Role::sampler), "POST", "/api/v1/samples/" + number + "/delivery",
                   R"({"carrier":"顺丰速运","tracking_number":"SF1"})", if_match(read))
                  .status,
              409);

    // The sampling record: the samplers' certificate numbers, the stage, the price, the contact.
    auto pdf = call(user(Role::sampler), "GET", "/api/v1/samples/" + number + "/sampling-record.pdf");
    ASSERT_EQ(pdf.status, 200) << pdf.describe();
    const auto text = lims::testing::pdf_text(pdf.body);
    // pdftotext keeps or drops the space between a digit and a CJK character as the glyphs fall.
    std::string flat;
    for (char c : text)
        if (c != ' ') flat += c;
    for (const char* expected : {"执法证号", "ZF3101-0101", "ZF3101-0102", "使用环节", "0元", "某医药有限公司", "120盒",
                                 "王店长", "0512-65230000"})
        EXPECT_NE(flat.find(expected), std::string::npos) << expected << " not in:\n" << text;
}

TEST_P(OnlineSamplingTest, BadOnlineFieldsAreRefusedByNameAndWriteNothing) {
    const auto task = startedTask();
    const auto before = scalar("SELECT count(*) FROM samples");
    auto with = [&](const std::string& from, const std::string& to) {
        std::string body = registration(task, 9, online());
        const auto at = body.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        body.replace(at, from.size(), to);
        return call(user(Role::sampler), "POST", "/api/v1/samples", body);
    };
    const std::pair<std::pair<std::string, std::string>, std::string> cases[] = {
        {{"https://shop-8848.example-mall.com/index.html?spm=a1", "shop-8848.example-mall.com"}, "online.shop_url"},
        {{code_in("110105", "MA00PLAT1"), code_in("110105", "MA00PLAT1").substr(0, 17) + "I"}, "online.platform_credit_code"},
        {{R"("shop_region_code":"330106")", R"("shop_region_code":"990106")"}, "online.shop_region_code"},
        {{R"("price":"36.50")", R"("price":"36.505")"}, "purchase.price"},
        {{R"("ZF3101-0002"])", R"("ZF3101-0001"])"}, "sampler_certificates[1]"},
    };
    for (const auto& [edit, field] : cases) {
        auto r = with(edit.first, edit.second);
        EXPECT_EQ(r.status, 422) << field << ": " << r.describe();
        EXPECT_NE(r.body.find("\"" + field + "\""), std::string::npos) << field << ": " << r.describe();
    }
    EXPECT_EQ(scalar("SELECT count(*) FROM samples"), before);
}

INSTANTIATE_TEST_SUITE_P(Backends, OnlineSamplingTest, kBothBackends, backendName);

}  // namespace
