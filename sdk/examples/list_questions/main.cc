// Lists the board questions of the latest catalogue edition, by section,
// from an ahpl-server: AHPL_TOKEN=ahpl_... list_questions [host:port]
#include <cstdlib>
#include <iostream>

#include "ahpl/sdk/catalogue_client.h"
#include "ahpl/sdk/errors.h"

int main(int argc, char** argv) {
  ahpl::sdk::ClientOptions options;
  if (argc > 1) options.target = argv[1];
  if (const char* token = std::getenv("AHPL_TOKEN")) options.token = token;
  ahpl::sdk::CatalogueClient catalogue(options);
  auto questions = catalogue.ListQuestions();
  if (!questions.ok()) {
    std::cerr << questions.status() << "\n";
    for (const auto& v : ahpl::sdk::ViolationsOf(questions.status())) {
      std::cerr << "  " << v.field << ": " << v.description << "\n";
    }
    return 1;
  }
  for (const auto& section : questions->sections()) {
    std::cout << section.title() << "\n";
    for (const auto& q : questions->questions()) {
      if (q.section_id() == section.id()) std::cout << "  " << q.text() << "\n";
    }
  }
  return 0;
}
