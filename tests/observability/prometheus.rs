//! A small client of the Prometheus HTTP API (`/api/v1/query`, `query_range`,
//! `rules`).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;

/// Seconds since the Unix epoch, as Prometheus timestamps are.
pub fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
}

/// One alerting or recording rule as Prometheus loaded it.
#[derive(Debug)]
pub struct Rule {
    pub name: String,
    pub query: String,
    pub health: String,
    pub error: String,
}

pub struct Prometheus {
    base: String,
    agent: ureq::Agent,
}

impl Prometheus {
    pub fn new(addr: SocketAddr) -> Self {
        let agent = ureq::Agent::config_builder()
            // Prometheus explains a bad query in the JSON body of a 400.
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Prometheus {
            base: format!("http://{addr}"),
            agent,
        }
    }

    /// `data` of a successful API answer, else the API's error text.
    fn get(&self, path: &str, params: &[(&str, &str)]) -> Result<Value, String> {
        let mut request = self.agent.get(format!("{}{path}", self.base));
        for (key, value) in params {
            request = request.query(*key, *value);
        }
        let mut response = request.call().map_err(|e| format!("request failed: {e}"))?;
        let body = response
            .body_mut()
            .read_to_string()
            .map_err(|e| format!("cannot read the answer: {e}"))?;
        let json: Value =
            serde_json::from_str(&body).map_err(|e| format!("not JSON ({e}): {body}"))?;
        if json["status"] == "success" {
            Ok(json["data"].clone())
        } else {
            Err(format!(
                "{}: {}",
                json["errorType"].as_str().unwrap_or("error"),
                json["error"].as_str().unwrap_or(&body)
            ))
        }
    }

    /// An instant query: the result vector (a scalar answer counts as one sample).
    pub fn query(&self, expr: &str) -> Result<Vec<Value>, String> {
        let data = self.get("/api/v1/query", &[("query", expr)])?;
        match data["resultType"].as_str() {
            Some("vector") | Some("matrix") => {
                Ok(data["result"].as_array().cloned().unwrap_or_default())
            }
            Some("scalar") | Some("string") => Ok(vec![data["result"].clone()]),
            other => Err(format!("unexpected result type {other:?}")),
        }
    }

    /// The value of a one-series instant query.
    pub fn scalar(&self, expr: &str) -> Option<f64> {
        let result = self.query(expr).ok()?;
        result.first()?["value"][1].as_str()?.parse().ok()
    }

    /// A range query: each series' labels and its (unix time, value) points.
    #[allow(clippy::type_complexity)]
    pub fn query_range(
        &self,
        expr: &str,
        start: f64,
        end: f64,
        step: f64,
    ) -> Result<Vec<(BTreeMap<String, String>, Vec<(f64, f64)>)>, String> {
        let (start, end, step) = (start.to_string(), end.to_string(), step.to_string());
        let data = self.get(
            "/api/v1/query_range",
            &[
                ("query", expr),
                ("start", &start),
                ("end", &end),
                ("step", &step),
            ],
        )?;
        let series = data["result"].as_array().cloned().unwrap_or_default();
        Ok(series
            .iter()
            .map(|series| {
                let labels = series["metric"]
                    .as_object()
                    .map(|labels| {
                        labels
                            .iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                            .collect()
                    })
                    .unwrap_or_default();
                let points = series["values"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|point| {
                        let time = point[0].as_f64()?;
                        let value = point[1].as_str()?.parse::<f64>().ok()?;
                        Some((time, value))
                    })
                    .collect();
                (labels, points)
            })
            .collect())
    }

    /// Every alerting rule loaded, with its evaluation health.
    pub fn rules(&self) -> Vec<Rule> {
        let data = self.get("/api/v1/rules", &[]).unwrap_or_default();
        data["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|group| group["rules"].as_array().cloned().unwrap_or_default())
            .map(|rule| Rule {
                name: rule["name"].as_str().unwrap_or_default().to_string(),
                query: rule["query"].as_str().unwrap_or_default().to_string(),
                health: rule["health"].as_str().unwrap_or_default().to_string(),
                error: rule["lastError"].as_str().unwrap_or_default().to_string(),
            })
            .collect()
    }
}
