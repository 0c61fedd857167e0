#include "directory_loader.hpp"

#include "calendar/finding.hpp"
#include "calendar/text.hpp"

#include <set>

namespace kenes::config {

namespace {

using calendar::Body;
using calendar::Kso;
using calendar::Official;

bool plausible_email(const std::string& e)
{
  auto at = e.find('@');
  return at != std::string::npos && at > 0 && at + 1 < e.size() && e.find('@', at + 1) == std::string::npos &&
         e.find_first_of(" \t\r\n<>,;:\"") == std::string::npos;
}

std::vector<std::string> lower_words(const JsonNode& node)
{
  std::vector<std::string> out;
  for (const std::string& s : node.strings()) {
    out.push_back(calendar::utf8_lower(calendar::trim(s)));
  }
  return out;
}

Official read_official(const JsonNode& n, std::set<std::string>& emails)
{
  Official o;
  if (!n.is_object()) {
    return o;
  }
  n.allow_keys({"email", "name", "rank", "competence", "calendars", "phone", "title"});
  JsonNode email = n["email"];
  if (!email.present()) {
    n.problem("missing key 'email'");
  } else if (auto e = email.string()) {
    o.email = calendar::ascii_lower(calendar::trim(*e));
    if (!plausible_email(o.email)) {
      email.problem("expected an e-mail address, got '" + *e + "'");
    } else if (!emails.insert(o.email).second) {
      email.problem("duplicate e-mail '" + o.email + "': an official's e-mail is their identity");
    }
  }
  o.name = n["name"].string_or("");
  JsonNode rank = n["rank"];
  if (!rank.present()) {
    n.problem("missing key 'rank'");
  } else if (auto r = rank.string()) {
    if (auto parsed = calendar::parse_rank(*r)) {
      o.rank = *parsed;
    } else {
      std::vector<std::string> names;
      for (int i = 0; i < calendar::k_rank_count; ++i) {
        names.emplace_back(calendar::to_string(static_cast<calendar::Rank>(i)));
      }
      std::string msg = "unknown rank '" + *r + "'";
      if (auto near = did_you_mean(*r, names)) {
        msg += "; did you mean '" + *near + "'?";
      }
      rank.problem(msg);
    }
  }
  o.competence = lower_words(n["competence"]);
  o.calendars = n["calendars"].strings();
  return o;
}

// A body's or a topic's name by language ({"ru": …, "kk": …, "en": …}), or a name alone standing
// for the Russian one.
calendar::Names read_names(const JsonNode& node)
{
  calendar::Names out;
  if (!node.present()) {
    return out;
  }
  if (node.value()->is_string()) {
    out["ru"] = node.value()->get<std::string>();
    return out;
  }
  if (!node.value()->is_object()) {
    node.problem("expected a name or names by language (ru, kk, en), got " + type_name(*node.value()));
    return out;
  }
  for (auto& [lang, name] : node.members()) {
    if (!calendar::parse_language(lang)) {
      name.problem("unknown language '" + lang + "'; expected ru, kk or en");
    } else if (auto s = name.string()) {
      out[lang] = *s;
    }
  }
  return out;
}

Body read_body(const JsonNode& n, std::set<std::string>& ids, std::set<std::string>& emails)
{
  Body b;
  if (!n.is_object()) {
    return b;
  }
  n.allow_keys({"id", "kind", "name", "short_name", "domains", "group_address", "officials", "parent"});
  JsonNode id = n["id"];
  if (!id.present()) {
    n.problem("missing key 'id'");
  } else if (auto s = id.string()) {
    b.id = *s;
    if (b.id.empty()) {
      id.problem("expected a non-empty id");
    } else if (!ids.insert(b.id).second) {
      id.problem("duplicate body id '" + b.id + "'");
    }
  }
  JsonNode kind = n["kind"];
  if (!kind.present()) {
    n.problem("missing key 'kind'");
  } else if (auto s = kind.string()) {
    if (auto k = calendar::parse_body_kind(*s)) {
      b.kind = *k;
    } else {
      kind.problem("unknown body kind '" + *s +
                   "'; expected central, local, government, presidential_administration or parliament");
    }
  }
  b.name = read_names(n["name"]);
  b.short_name = n["short_name"].string_or("");
  for (const std::string& d : n["domains"].strings()) {
    b.domains.push_back(calendar::ascii_lower(calendar::trim(d)));
  }
  if (auto g = n["group_address"].string()) {
    b.group_address = calendar::ascii_lower(calendar::trim(*g));
    if (!plausible_email(b.group_address)) {
      n["group_address"].problem("expected an e-mail address, got '" + *g + "'");
    } else if (!emails.insert(b.group_address).second) {
      n["group_address"].problem("duplicate e-mail '" + b.group_address + "'");
    }
  }
  for (const JsonNode& o : n["officials"].items()) {
    b.officials.push_back(read_official(o, emails));
  }
  return b;
}

// "topics": {"economy": {"ru": "Экономика", "kk": "Экономика", "en": "Economy"}}, a name alone
// standing for the Russian one, as a body's name does.
calendar::TopicNames read_topics(const JsonNode& node)
{
  calendar::TopicNames out;
  for (auto& [tag, names] : node.members()) {
    const std::string key = calendar::utf8_lower(calendar::trim(tag));
    if (!out.try_emplace(key, read_names(names)).second) {
      names.problem("duplicate topic '" + key + "' (tags are compared in lower case)");
    }
  }
  return out;
}

} // namespace

std::shared_ptr<calendar::Directory> read_directory(const JsonNode& node)
{
  std::vector<Body> bodies;
  std::vector<Kso> ksos;
  if (!node.is_object()) {
    return std::make_shared<calendar::Directory>(std::move(bodies), std::move(ksos));
  }
  node.allow_keys({"bodies", "kso", "topics"});
  if (!node["bodies"].present()) {
    node.problem("missing key 'bodies'");
  }
  std::set<std::string> ids;
  std::set<std::string> emails;
  for (const JsonNode& b : node["bodies"].items()) {
    bodies.push_back(read_body(b, ids, emails));
  }
  std::set<std::string> kso_ids;
  for (const JsonNode& k : node["kso"].items()) {
    if (!k.is_object()) {
      continue;
    }
    k.allow_keys({"id", "name", "members"});
    Kso kso;
    kso.id = k["id"].string_or("");
    if (kso.id.empty()) {
      k.problem("missing key 'id'");
    } else if (!kso_ids.insert(kso.id).second) {
      k["id"].problem("duplicate KSO id '" + kso.id + "'");
    }
    kso.name = k["name"].string_or("");
    auto members = k["members"].items();
    for (const JsonNode& m : members) {
      if (auto e = m.string()) {
        std::string email = calendar::ascii_lower(calendar::trim(*e));
        if (!emails.contains(email)) {
          m.problem("'" + *e + "' is not an official of the directory");
        }
        kso.members.push_back(email);
      }
    }
    ksos.push_back(std::move(kso));
  }
  auto directory = std::make_shared<calendar::Directory>(std::move(bodies), std::move(ksos));
  directory->set_topics(read_topics(node["topics"]));
  return directory;
}

} // namespace kenes::config
