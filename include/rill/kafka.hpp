#pragma once
// rill over Kafka (target rill::kafka, which links librdkafka): RDDs of offset
// ranges (createRDD), the direct stream (createDirectStream), a transactional
// sink, and librdkafka's mock cluster for tests and demos. See docs/kafka.md.
#include <rill/kafka/consumer_record.hpp>
#include <rill/kafka/consumer_strategy.hpp>
#include <rill/kafka/direct_stream.hpp>
#include <rill/kafka/errors.hpp>
#include <rill/kafka/kafka_rdd.hpp>
#include <rill/kafka/mock_cluster.hpp>
#include <rill/kafka/offset_range.hpp>
#include <rill/kafka/params.hpp>
#include <rill/kafka/producer.hpp>
#include <rill/kafka/sink.hpp>
