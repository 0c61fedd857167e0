// A local folder of .ics files (SPEC §6 `dir`, the embedded default): one collection, the folder;
// one resource per UID of each file ("file.ics#uid"), with the file's size and modification time
// as ETag, so an unchanged file costs one stat and a changed one re-checks its events only.
#pragma once

#include "connectors/source.hpp"

#include <filesystem>

namespace kenes::connectors {

class DirSource final : public Source
{
public:
  DirSource(std::filesystem::path folder, std::size_t max_resource_bytes);
  boost::asio::awaitable<Result<SourceOutcome>> sync(const std::vector<KnownCollection>& known,
                                                     DeltaSink sink) override;
  std::uint64_t requests() const override { return 0; }

private:
  std::filesystem::path m_folder;
  std::size_t m_max_resource_bytes;
};

} // namespace kenes::connectors
